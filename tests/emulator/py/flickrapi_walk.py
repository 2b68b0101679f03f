#!/usr/bin/python3
"""Independent-client fidelity check: python3-flickrapi (Debian) against flickr-emulator.

Usage: flickrapi_walk.py BASE_URL
Runs the oob OAuth flow, walks the photostream (walk_user), every album (walk_set) and the
collection tree (collections.getTree), calls
getInfo/getSizes/comments.getList for every photo, downloads every original, and checks all
counts, ids, album orders, sizes and sha256 against /_emulator/manifest. Also checks that an
api_key-only client sees exactly the public photos. Exit 0 on success, 1 with a message.
"""
import hashlib
import json
import re
import sys
import urllib.request

import flickrapi
from flickrapi import auth

BASE = sys.argv[1].rstrip("/")
KEY, SECRET = "test-key", "test-secret"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def _data_walker(self, method, searchstring="*/photo", **params):
    """flickrapi 2.1.2's data_walker, with rsp.getchildren() (removed in Python 3.9) replaced
    by list(rsp): the only change; paging still trusts the 'pages' attribute as upstream."""
    page, total = 1, 1
    while page <= total:
        rsp = method(page=page, **params)
        total = int(list(rsp)[0].get("pages"))
        for photo in rsp.findall(searchstring):
            yield photo
        page += 1


flickrapi.FlickrAPI.data_walker = _data_walker


def point_at_emulator(api):
    api.REST_URL = BASE + "/services/rest/"
    o = api.flickr_oauth
    o.REQUEST_TOKEN_URL = BASE + "/services/oauth/request_token"
    o.AUTHORIZE_URL = BASE + "/services/oauth/authorize"
    o.ACCESS_TOKEN_URL = BASE + "/services/oauth/access_token"
    return api


def oob_flow():
    api = point_at_emulator(flickrapi.FlickrAPI(KEY, SECRET, store_token=False))
    api.get_request_token(oauth_callback="oob")
    html = urllib.request.urlopen(api.auth_url(perms="read")).read().decode()
    m = re.search(r'id="verifier">([0-9-]+)<', html)
    if not m:
        fail("authorize page shows no verifier: " + html)
    api.get_access_token(m.group(1))
    token = api.token_cache.token
    if token.token != "test-token" or token.user_nsid != "12345678@N00":
        fail("unexpected access token %r" % vars(token))
    if not api.token_valid(perms="read"):
        fail("token_valid (auth.oauth.checkToken) is False")
    login = api.test.login(format="etree")
    if login.find("user").get("id") != "12345678@N00":
        fail("test.login returned a different user")
    return api


def main():
    manifest = json.load(urllib.request.urlopen(BASE + "/_emulator/manifest"))
    photos = {p["id"]: p for p in manifest["photos"]}
    api = oob_flow()

    walked = [p.get("id") for p in api.walk_user(user_id="me", per_page=37)]
    if len(walked) != len(set(walked)):
        fail("walk_user yielded duplicates")
    if set(walked) != set(photos):
        fail("walk_user ids differ from manifest: %d vs %d" % (len(walked), len(photos)))
    newest_first = sorted(photos, key=lambda i: (photos[i]["date_upload"], i), reverse=True)
    if walked != newest_first:
        fail("walk_user order is not newest upload first")

    sets = api.photosets_getList(format="etree").findall("*/photoset")
    if [s.get("id") for s in sets] != [s["id"] for s in manifest["sets"]]:
        fail("photosets.getList ids differ from manifest")
    for s in manifest["sets"]:
        ids = [p.get("id") for p in api.walk_set(s["id"], per_page=23)]
        if ids != s["photo_ids"]:
            fail("walk_set %s differs from manifest (%d vs %d)" % (s["id"], len(ids), len(s["photo_ids"])))

    def tree_of(element):
        return [{"id": c.get("id"), "title": c.get("title"),
                 "sets": [s.get("id") for s in c.findall("set")],
                 "collections": tree_of(c)} for c in element.findall("collection")]

    tree = tree_of(api.collections.getTree(format="etree").find("collections"))
    if tree != manifest["collections"]:
        fail("collections.getTree differs from manifest: %r vs %r" % (tree, manifest["collections"]))
    if not tree:
        fail("the world has no collections")
    nested = tree[0]["collections"][0]["id"]
    one = tree_of(api.collections.getTree(collection_id=nested, format="etree").find("collections"))
    if one != [tree[0]["collections"][0]]:
        fail("collections.getTree collection_id=%s is not that subtree" % nested)

    originals = 0
    for pid, p in photos.items():
        info = api.photos.getInfo(photo_id=pid, format="etree").find("photo")
        if info.get("media") != p["media"]:
            fail("getInfo media of %s" % pid)
        if int(info.find("comments").text) != p["count_comments"]:
            fail("getInfo comment count of %s" % pid)
        comments = api.photos.comments.getList(photo_id=pid, format="etree").findall("*/comment")
        if len(comments) != p["count_comments"]:
            fail("comments.getList of %s: %d vs %d" % (pid, len(comments), p["count_comments"]))
        sizes = api.photos.getSizes(photo_id=pid, format="etree").findall("*/size")
        got = [(s.get("label"), int(s.get("width")), int(s.get("height")), s.get("source")) for s in sizes]
        want = [(s["label"], s["width"], s["height"], s["url"]) for s in p["sizes"]]
        if got != want:
            fail("getSizes of %s differs from manifest" % pid)
        for s in p["sizes"]:
            if s["label"] != "Original":
                continue
            data = urllib.request.urlopen(s["url"]).read()
            if len(data) != s["bytes"] or hashlib.sha256(data).hexdigest() != s["sha256"]:
                fail("original of %s: bytes/sha256 differ from manifest" % pid)
            originals += 1

    public = point_at_emulator(flickrapi.FlickrAPI(KEY, SECRET, store_token=False))
    seen = [p.get("id") for p in public.walk_user(user_id="12345678@N00", per_page=100)]
    want_public = {i for i, p in photos.items() if p["is_public"]}
    if set(seen) != want_public:
        fail("api_key-only walk sees %d photos, manifest has %d public" % (len(seen), len(want_public)))
    print("ok: %d photos, %d albums, %d collections, %d originals, %d public" %
          (len(walked), len(manifest["sets"]), len(tree), originals, len(seen)))


if __name__ == "__main__":
    main()

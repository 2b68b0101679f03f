#!/usr/bin/python3
"""Independent-client check of flickr.favorites.getList: python3-flickrapi (Debian) against
flickr-emulator.

Usage: flickrapi_favorites.py BASE_URL
Walks the account's favorites with flickrapi's data_walker (XML, small pages) and reads them
as parsed JSON in one page, and checks ids, order (newest faved first), owner, ownername,
date_faved and each original's sha256 against /_emulator/manifest; photos whose owner made
them private are not listed. An api_key-only client naming the user sees the same list.
Exit 0 on success, 1 with a message.
"""
import hashlib
import json
import sys
import urllib.request

import flickrapi

BASE = sys.argv[1].rstrip("/")
KEY, SECRET = "test-key", "test-secret"
EXTRAS = "owner_name,path_alias,date_upload,date_taken,original_format,url_o"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def _data_walker(self, method, searchstring="*/photo", **params):
    """flickrapi 2.1.2's data_walker with rsp.getchildren() (gone in Python 3.9) replaced."""
    page, total = 1, 1
    while page <= total:
        rsp = method(page=page, **params)
        total = int(list(rsp)[0].get("pages"))
        for photo in rsp.findall(searchstring):
            yield photo
        page += 1


flickrapi.FlickrAPI.data_walker = _data_walker


def api_for(fmt, token=True):
    tok = flickrapi.auth.FlickrAccessToken("test-token", "test-token-secret", "read")
    api = flickrapi.FlickrAPI(KEY, SECRET, format=fmt, store_token=False,
                              token=tok if token else None)
    api.REST_URL = BASE + "/services/rest/"
    return api


def main():
    manifest = json.load(urllib.request.urlopen(BASE + "/_emulator/manifest"))
    listed = [f for f in manifest["favorites"] if f["listed"]]
    if len(listed) == len(manifest["favorites"]):
        fail("the manifest has no owner-private favorite to check")
    want = [(f["id"], f["owner"], f["ownername"], str(f["date_faved"])) for f in listed]

    xml = api_for("etree")
    walked = list(xml.data_walker(xml.favorites.getList, per_page=7, extras=EXTRAS))
    got = [(p.get("id"), p.get("owner"), p.get("ownername"), p.get("date_faved")) for p in walked]
    if got != want:
        fail("walked favorites differ from the manifest:\n%r\n%r" % (got, want))

    rsp = api_for("parsed-json").favorites.getList(per_page=500, extras=EXTRAS)
    photos = rsp["photos"]
    if str(photos["total"]) != str(len(listed)) or int(photos["pages"]) != 1:
        fail("JSON total/pages %r/%r, want %d/1" % (photos["total"], photos["pages"], len(listed)))
    by_id = {f["id"]: f for f in listed}
    for p in photos["photo"]:
        f = by_id[p["id"]]
        if p["owner"] == manifest["user"]["nsid"]:
            fail("favorite %s is the account's own photo" % p["id"])
        if int(p["dateupload"]) != f["date_upload"] or p["secret"] != f["secret"]:
            fail("favorite %s: dateupload/secret differ" % p["id"])
        original = [s for s in f["sizes"] if s["label"] == "Original"]
        if ("url_o" in p) != f["original_allowed"]:
            fail("favorite %s: url_o present=%r, original_allowed=%r"
                 % (p["id"], "url_o" in p, f["original_allowed"]))
        if "url_o" in p:
            body = urllib.request.urlopen(p["url_o"]).read()
            if hashlib.sha256(body).hexdigest() != original[0]["sha256"]:
                fail("favorite %s: original bytes differ from the manifest" % p["id"])
    if [p["id"] for p in photos["photo"]] != [w[0] for w in want]:
        fail("JSON favorites differ from the walk")

    # getSizes answers for a listed favorite (a video's streams too), not for an
    # owner-private one.
    for f in listed[:5] + [v for v in listed if v["media"] == "video"][:2]:
        got = api_for("parsed-json").photos.getSizes(photo_id=f["id"])["sizes"]["size"]
        if sorted(s["label"] for s in got) != sorted(s["label"] for s in f["sizes"]):
            fail("favorite %s: getSizes labels differ from the manifest" % f["id"])
    private = [f for f in manifest["favorites"] if not f["listed"]][0]
    try:
        api_for("parsed-json").photos.getSizes(photo_id=private["id"])
    except flickrapi.exceptions.FlickrError as e:
        if e.code != 1:
            fail("getSizes of an owner-private favorite: code %r, want 1" % e.code)
    else:
        fail("getSizes of an owner-private favorite succeeded")

    anonymous = api_for("parsed-json", token=False)
    named = anonymous.favorites.getList(user_id=manifest["user"]["nsid"], per_page=500)
    if [p["id"] for p in named["photos"]["photo"]] != [w[0] for w in want]:
        fail("an api_key-only client naming the user sees a different list")
    try:
        anonymous.favorites.getList()
    except flickrapi.exceptions.FlickrError as e:
        if e.code != 1:
            fail("anonymous getList without user_id: code %r, want 1" % e.code)
    else:
        fail("anonymous getList without user_id succeeded")
    print("ok: %d favorites (%d owner-private left out)"
          % (len(listed), len(manifest["favorites"]) - len(listed)))


if __name__ == "__main__":
    main()

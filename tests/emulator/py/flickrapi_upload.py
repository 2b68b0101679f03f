#!/usr/bin/python3
"""Independent-client check of uploads: python3-flickrapi's upload/replace against
flickr-emulator.

Usage: flickrapi_upload.py BASE_URL WORKDIR
Uploads a JPEG synchronously and one with async=1 (polling flickr.photos.upload.checkTickets),
replaces one, and checks titles, the photostream's newest entry and the Original bytes (sha256
from /_emulator/manifest and the downloaded Original). A read-only token must get code 99.
Exit 0 on success, 1 with a message.
"""
import hashlib
import io
import json
import os
import sys
import time
import urllib.request

import flickrapi
from flickrapi import auth
from PIL import Image

BASE = sys.argv[1].rstrip("/")
WORK = sys.argv[2]
KEY, SECRET = "test-key", "test-secret"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def client(token, secret, perms):
    api = flickrapi.FlickrAPI(KEY, SECRET, store_token=False, format="etree",
                              token=auth.FlickrAccessToken(token, secret, perms))
    api.REST_URL = BASE + "/services/rest/"
    api.UPLOAD_URL = BASE + "/services/upload/"
    api.REPLACE_URL = BASE + "/services/replace/"
    return api


def jpeg(name, colour):
    path = os.path.join(WORK, name)
    Image.new("RGB", (64, 48), colour).save(path, "JPEG", quality=90)
    with open(path, "rb") as f:
        return path, hashlib.sha256(f.read()).hexdigest()


def manifest_photo(photo_id):
    m = json.load(urllib.request.urlopen(BASE + "/_emulator/manifest"))
    if m["photos"][-1]["id"] != photo_id and photo_id not in [p["id"] for p in m["photos"]]:
        fail("photo %s not in the manifest" % photo_id)
    return m, next(p for p in m["photos"] if p["id"] == photo_id)


def original(photo):
    return next(s for s in photo["sizes"] if s["label"] == "Original")


def main():
    api = client("test-token", "test-token-secret", "write")
    path, digest = jpeg("harbour.jpg", (200, 40, 40))
    rsp = api.upload(filename=path, title="Harbour at dusk", is_public=0)
    photo_id = rsp.findtext("photoid")
    if not photo_id:
        fail("sync upload gave no photoid")
    m, p = manifest_photo(photo_id)
    if m["photos"][-1]["id"] != photo_id:
        fail("upload is not the newest photo of the manifest")
    if p["title"] != "Harbour at dusk" or p["is_public"] != 0:
        fail("title/privacy not kept: %r" % {k: p[k] for k in ("title", "is_public")})
    if original(p)["sha256"] != digest:
        fail("manifest Original sha256 differs from the uploaded file")
    # The API lists newest first: the upload leads page 1 (the last page oldest-first).
    stream = api.people.getPhotos(user_id="me", per_page=50)
    if stream.find("photos/photo").get("id") != photo_id:
        fail("upload does not lead the photostream")

    path2, digest2 = jpeg("quay.jpg", (40, 200, 40))
    rsp = api.upload(filename=path2, is_public=1, **{"async": 1})
    ticket = rsp.findtext("ticketid")
    if not ticket:
        fail("async upload gave no ticketid")
    for _ in range(100):
        t = api.photos.upload.checkTickets(tickets=ticket).find("uploader/ticket")
        if t.get("complete") == "1":
            break
        time.sleep(0.05)
    else:
        fail("ticket never completed")
    async_id = t.get("photoid")
    _, p2 = manifest_photo(async_id)
    # flickrapi sends title=basename(filename) when no title is given.
    if p2["title"] != "quay.jpg" or original(p2)["sha256"] != digest2:
        fail("async upload: title %r or bytes differ" % p2["title"])
    bad = api.photos.upload.checkTickets(tickets="1-2").find("uploader/ticket")
    if bad.get("invalid") != "1":
        fail("unknown ticket not reported invalid")

    path3, digest3 = jpeg("harbour-v2.jpg", (10, 10, 220))
    rsp = api.replace(filename=path3, photo_id=photo_id)
    if rsp.findtext("photoid") != photo_id:
        fail("replace answered another photo id")
    _, p3 = manifest_photo(photo_id)
    if original(p3)["sha256"] != digest3:
        fail("replace did not change the Original bytes")
    body = urllib.request.urlopen(original(p3)["url"]).read()
    if hashlib.sha256(body).hexdigest() != digest3:
        fail("served Original differs from the replacing file")

    reader = client("test-token-read", "test-token-read-secret", "read")
    try:
        reader.upload(filename=path, title="nope")
        fail("a read-only token could upload")
    except flickrapi.FlickrError as e:
        if e.code != 99:
            fail("read-only upload: expected code 99, got %r" % e)
    stats = json.load(urllib.request.urlopen(BASE + "/_emulator/stats"))
    if stats["uploads"] != 2 or stats["replaces"] != 1:
        fail("stats count %d uploads, %d replaces" % (stats["uploads"], stats["replaces"]))
    print("ok")


main()

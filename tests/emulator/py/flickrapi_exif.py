#!/usr/bin/python3
"""Independent-client check of flickr.photos.getExif: python3-flickrapi (Debian) against
flickr-emulator.

Usage: flickrapi_exif.py BASE_URL
Calls getExif for every photo of /_emulator/manifest, as parsed JSON and as XML (etree),
and checks camera, every tag (tagspace, tagspaceid, tag, label, raw, clean only where the
manifest has one) against the manifest, and that a photo with hidden EXIF fails with
Flickr's code 2. Exit 0 on success, 1 with a message.
"""
import json
import sys
import urllib.request

import flickrapi

BASE = sys.argv[1].rstrip("/")
KEY, SECRET = "test-key", "test-secret"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def api_for(fmt):
    api = flickrapi.FlickrAPI(KEY, SECRET, format=fmt, store_token=False,
                              token=flickrapi.auth.FlickrAccessToken(
                                  "test-token", "test-token-secret", "read"))
    api.REST_URL = BASE + "/services/rest/"
    return api


def expected(p):
    return [(t["tagspace"], t["tagspaceid"], t["tag"], t["label"], t["raw"], t["clean"] or None)
            for t in p["exif"]["tags"]]


def main():
    manifest = json.load(urllib.request.urlopen(BASE + "/_emulator/manifest"))
    as_json, as_xml = api_for("parsed-json"), api_for("etree")
    shown = hidden = cleaned = 0
    for p in manifest["photos"]:
        pid = p["id"]
        if p["exif"]["hidden"]:
            for api in (as_json, as_xml):
                try:
                    api.photos.getExif(photo_id=pid)
                except flickrapi.exceptions.FlickrError as e:
                    if e.code != 2:
                        fail("getExif of hidden %s: code %r, want 2" % (pid, e.code))
                else:
                    fail("getExif of hidden %s succeeded" % pid)
            hidden += 1
            continue
        photo = as_json.photos.getExif(photo_id=pid)["photo"]
        if photo["id"] != pid or photo["camera"] != p["exif"]["camera"]:
            fail("getExif JSON of %s: id/camera %r" % (pid, (photo["id"], photo["camera"])))
        got = [(t["tagspace"], t["tagspaceid"], t["tag"], t["label"], t["raw"]["_content"],
                t["clean"]["_content"] if "clean" in t else None) for t in photo.get("exif", [])]
        if got != expected(p):
            fail("getExif JSON of %s differs from manifest:\n%r\n%r" % (pid, got, expected(p)))
        xml = as_xml.photos.getExif(photo_id=pid).find("photo")
        if xml.get("id") != pid or xml.get("camera") != p["exif"]["camera"]:
            fail("getExif XML of %s: id/camera" % pid)
        got = [(e.get("tagspace"), int(e.get("tagspaceid")), e.get("tag"), e.get("label"),
                e.find("raw").text or "",
                e.find("clean").text if e.find("clean") is not None else None)
               for e in xml.findall("exif")]
        if got != expected(p):
            fail("getExif XML of %s differs from manifest:\n%r\n%r" % (pid, got, expected(p)))
        shown += 1
        cleaned += sum(1 for t in p["exif"]["tags"] if t["clean"])
    if hidden == 0 or shown == 0 or cleaned == 0:
        fail("world too small: %d shown, %d hidden, %d clean values" % (shown, hidden, cleaned))
    print("ok: %d photos with EXIF (%d clean values), %d hidden" % (shown, cleaned, hidden))


if __name__ == "__main__":
    main()

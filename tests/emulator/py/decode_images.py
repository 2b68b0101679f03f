#!/usr/bin/python3
"""Decodes every image the emulator serves for the first N manifest photos with Pillow
(python3-pil) and checks bytes, sha256 and pixel dimensions against the manifest.

Usage: decode_images.py BASE_URL N     Exit 0 and "ok <count> <formats>" on success.
"""
import hashlib
import io
import json
import sys
import urllib.request

from PIL import Image
base = sys.argv[1]; n = int(sys.argv[2])
m = json.load(urllib.request.urlopen(base + "/_emulator/manifest?limit=%d" % n))
count = 0
formats = set()
for p in m["photos"]:
    for s in p["sizes"]:
        data = urllib.request.urlopen(s["url"]).read()
        assert len(data) == s["bytes"], (s, len(data))
        assert hashlib.sha256(data).hexdigest() == s["sha256"]
        if s["media"] == "photo":
            im = Image.open(io.BytesIO(data))
            im.load()
            formats.add(im.format)
            assert im.size == (s["width"], s["height"]), (s, im.size, im.format)
        count += 1
print("ok", count, sorted(formats))
if not {"JPEG", "PNG", "GIF"} <= formats:
    sys.exit("FAIL: not every format was seen: %s" % sorted(formats))

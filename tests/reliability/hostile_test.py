#!/usr/bin/env python3
# Hostile input: the emulator's hostile titles through the mirror (names valid UTF-8, at most
# 255 bytes, no control characters), then a canned HTTP server in this test that answers
# people.getPhotos with a 10 MB title, invalid UTF-8, a non-JSON body, and a JSON body 100 MB
# long. `flickrfs call` and `flickrfs mirror` must give a clear error or a correct result, never
# crash, and keep their peak RSS bounded (ru_maxrss of the child). Titles and descriptions
# that are not UTF-8 (injected raw through the emulator's mutate title_b64 / description_b64,
# as Flickr has served them) through a mount and the mirror: valid names, valid JSON with
# U+FFFD in place of the bad bytes, every image byte-identical, no crash.
import base64
import http.server
import json
import os
import subprocess
import threading

from rel_common import FLICKRFS, check, emulator, finish, flickrfs, h, mount, note, workdir

# --- the emulator's hostile titles ------------------------------------------------------------
emu = emulator(400, args=["--image-kb", "4"])
manifest = emu.manifest()
work = workdir("hostile-titles")
dest = os.path.join(work, "dest")
rc, out, _ = flickrfs(["mirror", "flickr:", dest, "--no-progress"], emu.url, work)
check(rc == 0, f"mirror of hostile titles: exit {rc}: {out[-300:]}")
good, bad, _ = h.check_tree(dest, manifest)
check(good == len(manifest.photos) and not bad, f"hostile titles: {good} good, bad {bad[:2]}")
for dirpath, dirs, files in os.walk(os.fsencode(dest)):
    for name in dirs + files:
        check(len(name) <= 255, f"name longer than 255 bytes: {name[:40]!r}")
        check(not any(c < 0x20 or c == 0x7f for c in name), f"control character in {name!r}")
        try:
            name.decode("utf-8")
        except UnicodeDecodeError:
            check(False, f"invalid UTF-8 name {name[:60]!r}")
emu.close()
note(f"hostile titles: {good} photos mirrored with valid names")


# --- titles and descriptions that are not UTF-8 ----------------------------------------------
def check_names_and_sidecars(root, label):
    """Every name valid UTF-8; every .json strict UTF-8 JSON. Returns the parsed sidecars."""
    sidecars = []
    for dirpath, dirs, files in os.walk(os.fsencode(root)):
        for name in dirs + files:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                check(False, f"{label}: invalid UTF-8 name {name[:60]!r}")
            if name.endswith(b".json") and name != b"album.json":
                data = open(os.path.join(dirpath, name), "rb").read()
                try:
                    sidecars.append(json.loads(data.decode("utf-8")))
                except (UnicodeDecodeError, ValueError) as e:
                    check(False, f"{label}: {name[:60]!r} is not valid UTF-8 JSON: {e}")
    return sidecars


BAD_TITLES = [b"bad \xff\xfe title", b"cut \xc3", b"\xf8\x88\x80 five-byte lead", b"\x80\x81\x82"]
emu = emulator(20, args=["--image-kb", "4"])
ids = [p["id"] for p in emu.manifest().photos if p["is_public"]][:len(BAD_TITLES)]
for pid, title in zip(ids, BAD_TITLES):
    emu.post("/_emulator/mutate", json.dumps({
        "op": "retitle", "id": pid, "title_b64": base64.b64encode(title).decode(),
        "description_b64": base64.b64encode(b"desc " + title).decode()}).encode())
raw = emu.get("/services/rest/?method=flickr.photos.getInfo&api_key=test-key&format=json&"
              f"nojsoncallback=1&photo_id={ids[0]}")
check(b"bad \xff\xfe title" in raw, f"the emulator did not serve the raw bytes: {raw[:200]!r}")
manifest = emu.manifest()


def check_bad_titles(sidecars, label):
    by_id = {str(s.get("id")): s for s in sidecars}
    for pid in ids:
        side = by_id.get(pid)
        if not check(side is not None, f"{label}: no sidecar for photo {pid}"):
            continue
        check("\ufffd" in side.get("title", "") and "\ufffd" in side.get("description", ""),
              f"{label}: {pid} title {side.get('title')!r} description "
              f"{side.get('description')!r} lack U+FFFD")


if h.fuse_available():
    work = workdir("hostile-utf8-mount")
    m = mount(emu.url, work)
    sidecars = check_names_and_sidecars(m.root, "mount")
    check_bad_titles(sidecars, "mount")
    copy = os.path.join(work, "copy")
    rc, out, _ = h.run(["cp", "-r", m.root, copy], timeout=300)
    check(rc == 0, f"cp -r of a mount with invalid UTF-8 titles: exit {rc}: {out[-300:]}")
    good, bad, _ = h.check_tree(copy, manifest)
    check(good == len(manifest.photos) and not bad, f"mount: {good} good, bad {bad[:2]}")
    check(h.is_mounted(m.root) and m.proc.poll() is None, "the mount died")
    m.close()
    note(f"invalid UTF-8 titles through a mount: {len(sidecars)} sidecars valid, {good} images")
work = workdir("hostile-utf8-mirror")
dest = os.path.join(work, "dest")
rc, out, _ = flickrfs(["mirror", "flickr:", dest, "--no-progress"], emu.url, work)
check(rc == 0, f"mirror of invalid UTF-8 titles: exit {rc}: {out[-300:]}")
sidecars = check_names_and_sidecars(dest, "mirror")
check_bad_titles(sidecars, "mirror")
good, bad, _ = h.check_tree(dest, manifest)
check(good == len(manifest.photos) and not bad, f"mirror: {good} good, bad {bad[:2]}")
emu.close()
note(f"invalid UTF-8 titles through the mirror: {len(sidecars)} sidecars valid, {good} images")

# --- canned bodies ------------------------------------------------------------------------------
IMAGE = b"\xff\xd8\xff\xe0" + b"canned image" * 100 + b"\xff\xd9"


def photo(title):
    return {"id": "1001", "owner": "12345678@N00", "secret": "abc", "server": "1", "farm": 1,
            "title": title, "ispublic": 1, "isfriend": 0, "isfamily": 0,
            "dateupload": "1500000000", "lastupdate": "1500000001",
            "datetaken": "2017-07-14 10:00:00", "datetakengranularity": "0",
            "datetakenunknown": "0", "originalsecret": "def", "originalformat": "jpg",
            "o_width": "100", "o_height": "80", "media": "photo", "url_o": "URL/static/1/1001_def_o.jpg",
            "height_o": "80", "width_o": "100", "license": "0", "views": "0", "tags": "",
            "machine_tags": "", "description": {"_content": ""}}


def photos_body(title):
    return json.dumps({"photos": {"page": 1, "pages": 1, "perpage": 500, "total": "1",
                                  "photo": [photo(title)]}, "stat": "ok"}).encode()


BODIES = {
    "10 MB title": photos_body("T" * (10 * 1024 * 1024)),
    "invalid UTF-8": photos_body("TITLE").replace(b"TITLE", b"bad \xff\xfe\xc3( title"),
    "non-JSON": b"<html><body>502 Bad Gateway</body></html>",
    "100 MB JSON": photos_body("x").replace(b'"stat"', b'"pad": "' + b"p" * (100 << 20) + b'", "stat"'),
}
OK = {"test.login": {"user": {"id": "12345678@N00", "username": {"_content": "demo"}}},
      "auth.oauth.checkToken": {"oauth": {"token": {"_content": "test-token"},
                                          "perms": {"_content": "read"},
                                          "user": {"nsid": "12345678@N00", "username": "demo"}}},
      "photosets.getList": {"photosets": {"page": 1, "pages": 1, "perpage": 500, "total": 0,
                                          "photoset": []}},
      "collections.getTree": {"collections": {}},
      "people.getInfo": {"person": {"id": "12345678@N00", "nsid": "12345678@N00",
                                    "username": {"_content": "demo"}}}}
state = {"body": b""}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/static/"):
            return self.reply(IMAGE, "image/jpeg")
        query = self.path.split("?", 1)[-1]
        method = next((p[len("method=flickr."):] for p in query.split("&")
                       if p.startswith("method=flickr.")), "")
        if method in ("people.getPhotos", "people.getPublicPhotos"):
            body = state["body"].replace(b"URL", f"http://127.0.0.1:{port}".encode())
            return self.reply(body, "application/json")
        if method in OK:
            return self.reply(json.dumps(dict(OK[method], stat="ok")).encode(),
                              "application/json")
        return self.reply(b'{"stat":"fail","code":1,"message":"not found"}', "application/json")

    do_POST = do_GET

    def reply(self, body, ctype):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # flickrfs refused an oversized body: that is the point


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
port = server.server_address[1]
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{port}"


def run_measured(args, work):
    """Runs flickrfs; returns (exit code or -signal, output, peak RSS in MB)."""
    out_path = os.path.join(work, "out.txt")
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([FLICKRFS] + args, env=h.flickrfs_env(url, work), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    text = open(out_path, encoding="utf-8", errors="replace").read()
    return code, text, usage.ru_maxrss / 1024


# ASan builds carry shadow memory and quarantine; the bound says "a few copies of the body at
# most", which catches unbounded growth without depending on the allocator.
LIMIT_MB = 1500
for label, body in BODIES.items():
    state["body"] = body
    work = workdir("hostile-body")
    code, out, rss = run_measured(["call", "flickr.people.getPhotos", "user_id=me"], work)
    note(f"{label}: call exit {code}, peak RSS {rss:.0f} MB")
    check(code >= 0 and code != 134, f"{label}: flickrfs call died: {code} {out[-300:]}")
    check(rss < LIMIT_MB, f"{label}: call peak RSS {rss:.0f} MB")
    dest = os.path.join(work, "dest")
    code, out, rss = run_measured(["mirror", "flickr:", dest, "--no-progress"], work)
    note(f"{label}: mirror exit {code}, peak RSS {rss:.0f} MB, says: {out.strip()[-160:]!r}")
    check(code in (0, 1, 3, 23), f"{label}: mirror exit {code}: {out[-300:]}")
    check("AddressSanitizer" not in out and "runtime error" not in out,
          f"{label}: sanitizer report: {out[:400]}")
    check(rss < LIMIT_MB, f"{label}: mirror peak RSS {rss:.0f} MB")
    if code != 0:
        check(out.strip() != "", f"{label}: failed without a message")
    for dirpath, dirs, files in os.walk(os.fsencode(dest)):
        for name in dirs + files:
            check(len(name) <= 255, f"{label}: name of {len(name)} bytes")
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                check(False, f"{label}: invalid UTF-8 name {name[:60]!r}")
server.shutdown()
finish()

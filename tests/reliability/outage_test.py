#!/usr/bin/env python3
# Outage: Flickr answers every request with 5xx or stat:fail 105/201 (the network is up).
# A warm cache still mounts, degraded: every cached byte is served, uncached reads fail with
# EIO, `flickrfs status` says degraded, and when Flickr heals the mount goes online by itself
# and reads what it could not before. An info.json that said "bytes": null while its image
# size was unknown changes its st_size with its content once the size is known. A cold cache
# gives a one-line error and exit 3; a rejected token still exits 2.
import errno
import json
import os
import time

from rel_common import FLICKRFS, check, emulator, finish, flickrfs, h, mount, note, \
    require_fuse, workdir

SICK = json.dumps({"rate": 1, "kinds": ["http500", "http502", "http503", "stat_fail_105",
                                        "stat_fail_201"]}).encode()
HEALED = json.dumps({"rate": 0}).encode()

require_fuse()
emu = emulator(30, args=["--image-kb", "16"])
manifest = emu.manifest()
work = workdir("outage")
m = mount(emu.url, work, args=["--no-prefetch"])
files = h.photo_files(m.root)
warm = {os.path.relpath(f, m.root): h.read_prefix(f) for f in files[: len(files) // 2]}
m.close()
# Late uploads, listed by a second mount that never stats them: their image sizes are unknown
# to the cache, so a degraded mount renders the sidecars of those without comments (which
# would need a call too) with "bytes": null.
late = json.loads(emu.post("/_emulator/mutate", json.dumps({"op": "add", "count": 4}).encode()))
late_ids = set(late["ids"])
manifest = emu.manifest()
late_ids_plain = {i for i in late_ids if manifest.by_id[i]["count_comments"] == 0}
check(late_ids_plain, "every late upload has comments: nothing to render offline")
m = mount(emu.url, work, args=["--no-prefetch", "--dir-cache-time", "1"])
deadline = time.monotonic() + 30
page = os.path.join(m.root, "photostream", "page-0001")
while time.monotonic() < deadline and \
        len({i for i in late_ids if any(i in n for n in os.listdir(page))}) < len(late_ids):
    time.sleep(0.5)
files = [os.path.join(page, n) for n in sorted(os.listdir(page))
         if not n.endswith(".json") and n != ".hidden"]
cold = [os.path.relpath(f, m.root) for f in files if os.path.relpath(f, m.root) not in warm]
late_files = [rel for rel in cold if h.ID_RE.search(rel).group(1) in late_ids_plain]
check(len(late_files) == len(late_ids_plain), f"the late uploads were not listed: {late_ids}")
m.close()


def status_text(root):
    rc, out, _ = flickrfs(["status", root], emu.url, work, timeout=30)
    return out if rc == 0 else f"(status exit {rc}) {out}"


def sidecar_of(rel):
    return os.path.splitext(rel)[0] + ".json"


def read_sidecar(root, rel):
    """(st_size, bytes read, image.bytes or 'invalid JSON'): the size `ls -l` shows, then the
    bytes `cat` reads. The stat after the read leaves the kernel holding the attributes (a
    read invalidates the atime, so the next stat would refetch them anyway)."""
    path = os.path.join(root, sidecar_of(rel))
    size = os.stat(path).st_size
    data = h.read_prefix(path)
    os.stat(path)
    try:
        image_bytes = json.loads(data)["image"]["bytes"]
    except (ValueError, KeyError, TypeError):
        image_bytes = "invalid JSON"
    return size, data, image_bytes


def read_errno(path):
    try:
        h.read_prefix(path)
        return 0
    except OSError as e:
        return e.errno


emu.post("/_emulator/faults", SICK)
started = time.monotonic()
try:
    m = mount(emu.url, work, args=["--no-prefetch"])
except RuntimeError as e:
    check(False, f"a warm cache did not mount while Flickr fails: {e}")
    m = None
if m is not None:
    note(f"mounted degraded in {time.monotonic() - started:.1f} s")
    same = sum(1 for rel, data in warm.items() if h.read_prefix(os.path.join(m.root, rel)) == data)
    check(same == len(warm), f"degraded: {same}/{len(warm)} cached files gave the same bytes")
    for rel in cold[:3]:
        got = read_errno(os.path.join(m.root, rel))
        check(got == errno.EIO, f"degraded: uncached {rel} gave errno {got}, want EIO")
    sidecars = [p for p in os.listdir(os.path.join(m.root, "photostream", "page-0001"))
                if p.endswith(".json")]
    check(len(sidecars) == len(files), f"degraded listing shows {len(sidecars)} sidecars")
    text = status_text(m.root)
    check("degraded" in text, f"status while Flickr fails does not say degraded:\n{text}")
    check("of 3600 calls used in the last 3600 s" in text,
          f"status does not show Flickr's default budget:\n{text}")
    null_sidecars = []
    for rel in cold:
        try:
            size, data, image_bytes = read_sidecar(m.root, rel)
        except OSError as e:
            # Comments never fetched are uncached like an image: EIO. Without comments, the
            # sidecar needs nothing from Flickr.
            pid = h.ID_RE.search(rel).group(1)
            check(e.errno == errno.EIO and manifest.by_id[pid]["count_comments"] > 0,
                  f"degraded: {sidecar_of(rel)} failed: {e}")
            continue
        check(size == len(data), f"degraded: {sidecar_of(rel)} st_size {size}, read {len(data)}")
        if image_bytes is None:
            null_sidecars.append(rel)
    check(set(late_files) <= set(null_sidecars),
          f"degraded: the late uploads' sidecars do not say \"bytes\": null: {late_files}")

    emu.post("/_emulator/faults", HEALED)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "state:       online" not in status_text(m.root):
        time.sleep(0.5)
    text = status_text(m.root)
    check("state:       online" in text, f"not online 30 s after Flickr healed:\n{text}")
    healed = sum(1 for rel in cold
                 if h.sha256_file(os.path.join(m.root, rel)) in
                 {s["sha256"] for s in manifest.by_id[h.ID_RE.search(rel).group(1)]["sizes"]})
    check(healed == len(cold), f"after healing {healed}/{len(cold)} uncached files read correctly")
    note(f"healed: online again, {healed} uncached files read")
    for rel in null_sidecars:
        size, data, image_bytes = read_sidecar(m.root, rel)
        image_size = os.stat(os.path.join(m.root, rel)).st_size
        check(size == len(data) and image_bytes == image_size,
              f"healed: {sidecar_of(rel)} st_size {size}, read {len(data)}, bytes {image_bytes} "
              f"(image {image_size})")
    note(f"{len(null_sidecars)} sidecars said \"bytes\": null while degraded; after healing "
         "their st_size and content changed together")
    m.close()

# A cold cache while Flickr fails: one clear line, exit 3 (network / nothing cached). As a
# user runs it (daemonizing: warnings go to syslog, the failure to the terminal).
emu.post("/_emulator/faults", SICK)
cold_work = workdir("outage-cold")
os.makedirs(os.path.join(cold_work, "mnt"))
env = h.flickrfs_env(emu.url, cold_work)
rc, out, secs = h.run([FLICKRFS, "mount", os.path.join(cold_work, "mnt")], env=env,
                      timeout=120)
lines = [line for line in out.strip().splitlines() if line]
note(f"cold cache while Flickr fails: exit {rc} in {secs:.1f} s: {lines[-1] if lines else ''}")
check(rc == 3, f"cold cache while Flickr fails: exit {rc}, want 3: {out[-300:]}")
check(len(lines) == 1 and "nothing is cached" in lines[0],
      f"cold cache: want one line saying nothing is cached, got: {lines}")
check(not h.is_mounted(os.path.realpath(os.path.join(cold_work, "mnt"))), "cold cache mounted")

# A rejected token is not an outage: exit 2 even with a warm cache.
emu.post("/_emulator/faults", HEALED)
rc, out, _ = h.run([FLICKRFS, "mount", os.path.join(work, "mnt"), "-f"],
                   env=h.flickrfs_env(emu.url, work, {"FLICKRFS_OAUTH_TOKEN": "wrong-token"}),
                   timeout=120)
check(rc == 2, f"rejected token: exit {rc}, want 2: {out[-300:]}")
check(not h.is_mounted(os.path.realpath(os.path.join(work, "mnt"))), "rejected token mounted")
emu.close()
finish()

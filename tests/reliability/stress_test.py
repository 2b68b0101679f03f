#!/usr/bin/env python3
# Stress: parallel walks (ls -lR, cp -r, cp -rL, find -exec cat) over a mount while the account
# changes under them (uploads, deletes, retitles, replaced bytes, comments, album edits) and the
# mount re-checks listings every second. What a walk may see is a photo vanishing between its
# readdir and its open (ENOENT) and cp's report that a photo whose bytes were replaced changed
# under it (a replaced photo is a new file with a new inode), nothing else; the daemon stays up; once the changes stop the
# tree settles to exactly the emulator's manifest; the unmount exits 0. `scripts/test --tsan`
# runs it under ThreadSanitizer, where any report (the daemon's included) fails the run.
import json
import os
import random
import subprocess
import threading
import time

from rel_common import SOAK, check, emulator, finish, h, mount, note, require_fuse, workdir

SECONDS = 180 if SOAK else 20
VANISHED = ("No such file or directory", "Stale file handle")
REPLACED = "as it was replaced while being copied"

require_fuse()
emu = emulator(120, sets=4, args=["--image-kb", "8"])
work = workdir("stress")
m = mount(emu.url, work, args=["--dir-cache-time", "1", "--poll-interval", "2s",
                               "--no-thumbnails"])
stop = threading.Event()
unexpected = []  # walk errors other than a vanished or replaced photo
vanished = [0]  # walk errors that are a vanished photo
replaced_ids = set()  # photos whose bytes a mutation replaced
replaced_reports = [0]  # cp's reports of one of those photos changing under it
walk_counts = {}


def walker(name, argv_for):
    """Runs one walk command again and again until stop; records stderr lines that are not a
    vanished photo."""
    runs = 0
    while not stop.is_set():
        target = os.path.join(work, f"copy-{name}")
        subprocess.run(["rm", "-rf", target])
        proc = subprocess.run(argv_for(target), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=600)
        for line in proc.stderr.decode(errors="replace").splitlines():
            if any(v in line for v in VANISHED):
                vanished[0] += 1
            elif REPLACED in line and any(f"_{i}." in line for i in list(replaced_ids)):
                replaced_reports[0] += 1
            else:
                unexpected.append(f"{name}: {line}")
        runs += 1
    walk_counts[name] = runs


WALKS = {
    "ls-lR": lambda _: ["ls", "-lR", m.root],
    "cp-r": lambda target: ["cp", "-r", m.root, target],
    "cp-rL": lambda target: ["cp", "-rL", os.path.join(m.root, "sets"), target],
    "find-cat": lambda _: ["find", m.root, "-type", "f", "-exec", "cat", "{}", "+"],
}


def mutate(rng):
    photos = emu.manifest().photos
    victim = rng.choice(photos)["id"]
    sets = emu.manifest().sets
    op = rng.choice(["add", "delete", "retitle", "replace", "add_comment", "set_add",
                     "set_remove"])
    body = {"op": op, "id": victim}
    if op == "add":
        body = {"op": "add", "count": rng.randint(1, 3), "title": f"stress {rng.random():.6f}"}
    elif op == "retitle":
        body["title"] = f"retitled {rng.random():.6f}"
    elif op == "add_comment":
        body["text"] = "a comment from the stress test"
    elif op in ("set_add", "set_remove"):
        album = rng.choice(sets)
        body["set_id"] = album["id"]
        if op == "set_remove":
            if not album["photo_ids"]:
                return "skip"
            body["id"] = rng.choice(album["photo_ids"])
        elif victim in album["photo_ids"]:
            return "skip"
    if op == "replace":
        replaced_ids.add(victim)  # before the post: a walk may see the new bytes at once
    emu.post("/_emulator/mutate", json.dumps(body).encode())
    return op


threads = [threading.Thread(target=walker, args=(name, argv)) for name, argv in WALKS.items()]
for t in threads:
    t.start()
rng = random.Random(24)
mutations = {}
deadline = time.monotonic() + SECONDS
while time.monotonic() < deadline:
    op = mutate(rng)
    mutations[op] = mutations.get(op, 0) + 1
    time.sleep(0.1)
stop.set()
for t in threads:
    t.join()
note(f"{sum(mutations.values())} mutations {mutations}; walks {walk_counts}; "
     f"{vanished[0]} vanished-photo errors; {replaced_reports[0]} replaced-photo reports")
check(h.is_mounted(m.root) and m.proc.poll() is None, "the daemon died during the stress")
check(not unexpected, f"walk errors other than a vanished or replaced photo: {unexpected[:10]}")
check(all(n > 0 for n in walk_counts.values()), f"a walk never finished: {walk_counts}")

# Settled: the listing re-check (1 s) and the poll (2 s) bring the tree to the manifest.
manifest = emu.manifest()
settled, good, bad, leftovers = False, 0, [], []
deadline = time.monotonic() + 120
while time.monotonic() < deadline and not settled:
    time.sleep(1)
    good, bad, leftovers = h.check_tree(m.root, manifest)
    settled = good == len(manifest.photos) and not bad
check(settled, f"the tree did not settle to the manifest: {good} of {len(manifest.photos)} "
               f"photos, bad {bad[:5]}")
check(not leftovers, f"temporary names in the mount: {leftovers[:5]}")
sets_dir = os.path.join(m.root, "sets")
for album in manifest.sets:
    names = [n for n in os.listdir(sets_dir) if n.endswith("_" + album["id"])]
    if not check(len(names) == 1, f"album {album['id']} has {len(names)} folders"):
        continue
    folder = os.path.join(sets_dir, names[0])
    images = [n for n in os.listdir(folder)
              if n[:4].isdigit() and not n.endswith(".json")]
    check(len(images) == len(album["photo_ids"]),
          f"album {album['id']}: {len(images)} images, the manifest has "
          f"{len(album['photo_ids'])}")
    broken = [n for n in images if not os.path.exists(os.path.join(folder, n))]
    check(not broken, f"album {album['id']}: links that do not resolve: {broken[:5]}")
rc = m.close()
check(rc == 0, f"the daemon exited {rc} after the unmount:\n{m.read_logs()}")
finish()

#!/usr/bin/env python3
# Crashes: SIGKILL the mirror while it downloads and the mount daemon while files are being
# read, at random moments (5 each here, 20 with RELIABILITY_SOAK=1). Afterwards a rerun of the
# mirror completes with every file correct and no partial file, `flickrfs cache verify` is
# clean, and a remount serves byte-identical files.
import os
import random
import subprocess
import threading
import time

from rel_common import FLICKRFS, SOAK, check, emulator, finish, flickrfs, h, mount, note, \
    require_fuse, workdir

ROUNDS = 20 if SOAK else 5
rng = random.Random(7)
emu = emulator(60, args=["--image-kb", "64", "--latency-ms", "5", "--bandwidth-mbps", "50"])
manifest = emu.manifest()

# --- the mirror -----------------------------------------------------------------------------
work = workdir("crash-mirror")
dest = os.path.join(work, "dest")
env = h.flickrfs_env(emu.url, work)
rc, out, full = flickrfs(["mirror", "flickr:", os.path.join(work, "probe"), "--no-progress"],
                         emu.url, work)
check(rc == 0, f"probe mirror exit {rc}: {out[-300:]}")
for _ in range(ROUNDS):
    proc = subprocess.Popen([FLICKRFS, "mirror", "flickr:", dest, "--no-progress"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(full * 0.05, full * 0.6))
    proc.kill()
    proc.wait()
    _, bad, _ = h.check_tree(dest, manifest)
    check(not bad, f"after SIGKILL a final name holds wrong bytes: {bad[:2]}")
rc, out, _ = flickrfs(["mirror", "flickr:", dest, "--no-progress"], emu.url, work)
good, bad, leftovers = h.check_tree(dest, manifest)
check(rc == 0, f"mirror after {ROUNDS} kills: exit {rc}: {out[-300:]}")
check(good == len(manifest.photos) and not bad, f"{good} good, bad {bad[:2]}")
check(not leftovers, f"partial files left: {leftovers[:3]}")
note(f"mirror: {ROUNDS} SIGKILLs within a {full:.1f} s run; rerun exit {rc}, {good} images ok")

# --- the mount daemon -----------------------------------------------------------------------
require_fuse()
work = workdir("crash-mount")
for round_no in range(ROUNDS):
    m = mount(emu.url, work)
    files = h.photo_files(m.root)
    rng.shuffle(files)

    def reader():
        for f in files:
            try:
                h.read_prefix(f)
            except OSError:
                return  # the daemon died under us: ENOTCONN is the expected answer

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    time.sleep(rng.uniform(0.05, 1.5))
    m.kill()
    t.join(30)
    check(not t.is_alive(), f"round {round_no}: a reader hung after the daemon was killed")
    m.close()
verify_rc, out, _ = flickrfs(["cache", "verify"], emu.url, work)
check(verify_rc == 0, f"cache verify after {ROUNDS} kills: exit {verify_rc}: {out[-400:]}")
m = mount(emu.url, work)
copy = os.path.join(work, "copy")
rc, out, _ = h.run(["cp", "-r", m.root, copy], timeout=600)
check(rc == 0, f"cp -r after remount: exit {rc}: {out[-300:]}")
good, bad, _ = h.check_tree(copy, manifest)
check(good == len(manifest.photos) and not bad,
      f"remount after kills: {good}/{len(manifest.photos)} good, bad {bad[:2]}")
note(f"mount: {ROUNDS} SIGKILLs during reads; cache verify exit {verify_rc}; remount {good} images ok")
m.close()
rc, out, _ = flickrfs(["cache", "verify"], emu.url, work)
check(rc == 0, f"cache verify after the clean run: exit {rc}: {out[-400:]}")
emu.close()
finish()

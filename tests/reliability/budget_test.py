#!/usr/bin/env python3
# The key's call budget shared by every flickrfs process (DESIGN section 3a, issue 20): the
# emulator enforces a rolling window of 60 REST calls per 60 s and answers 429 beyond it. A
# mount running `cp -r` of a page, a `flickrfs mirror flickr:`, a second mirror killed -9
# mid-run and a loop of `flickrfs call` run at once, all with the matching budget
# (FLICKRFS_API_CALLS_PER_HOUR=60, FLICKRFS_API_WINDOW_S=60) and one cache directory, so one
# shared window. Together they need about twice the window: zero 429s, every file exact, the
# survivors finish after the kill, and `flickrfs status` shows the window's use.
import os
import re
import signal
import subprocess
import threading
import time

from rel_common import FLICKRFS, check, emulator, finish, flickrfs, h, mount, note, \
    require_fuse, workdir

require_fuse()
budget = {"FLICKRFS_API_CALLS_PER_HOUR": "60", "FLICKRFS_API_WINDOW_S": "60",
          "FLICKRFS_IMAGE_REQUESTS_PER_HOUR": "0"}
emu = emulator(40, sets=2, args=["--rate-limit-per-hour", "60", "--rate-limit-window-s", "60",
                                 "--image-kb", "8", "--latency-ms", "20"])
manifest = emu.manifest()
work = workdir("budget")
started = time.monotonic()
m = mount(emu.url, work, env_extra=budget)
env = h.flickrfs_env(emu.url, work, budget)

results = {}


def copy_page():
    page = os.path.join(m.root, "photostream", "page-0001")
    dest = os.path.join(work, "cp", "photostream")
    os.makedirs(dest)
    results["cp"] = h.run(["cp", "-r", page, dest + "/"], timeout=300)


def mirror():
    results["mirror"] = h.run([FLICKRFS, "mirror", "flickr:", os.path.join(work, "mirror"),
                               "--no-progress"], env=env, timeout=300)


def calls():
    codes = []
    for _ in range(30):
        rc, out, _ = h.run([FLICKRFS, "call", "flickr.test.login"], env=env, timeout=300)
        codes.append((rc, out.strip()[-200:]))
    results["calls"] = codes


# The victim: a second mirror that spends budget, then is killed -9 a few seconds in.
victim = subprocess.Popen([FLICKRFS, "mirror", "flickr:", os.path.join(work, "victim"),
                           "--no-progress"], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
threads = [threading.Thread(target=f) for f in (copy_page, mirror, calls)]
for t in threads:
    t.start()
time.sleep(3)
victim.send_signal(signal.SIGKILL)
victim.wait()
note(f"killed the second mirror (pid {victim.pid}) after 3 s")
for t in threads:
    t.join()
elapsed = time.monotonic() - started

rc, status_out, _ = flickrfs(["status"], emu.url, work, budget, timeout=60)
note("status: " + status_out.strip().replace("\n", " | ")[:400])
stats = emu.stats()
served = stats["api_calls_total"]
note(f"{served} REST calls served in {elapsed:.1f} s, {stats['rate_limited']} answered 429")
check(stats["rate_limited"] == 0, f"{stats['rate_limited']} requests were answered 429")
# The work needs more than one window, so the budget was really spent and waited for.
check(served > 60, f"only {served} calls: the test never filled the window")
check(elapsed < 240, f"took {elapsed:.0f} s")

cp_rc, cp_out, cp_secs = results["cp"]
check(cp_rc == 0, f"cp -r failed: {cp_out[-300:]}")
good, bad, leftovers = h.check_tree(os.path.join(work, "cp"), manifest)
check(good == len(manifest.photos) and not bad,
      f"cp -r: {good}/{len(manifest.photos)} good, bad {bad[:2]}")
mirror_rc, mirror_out, mirror_secs = results["mirror"]
check(mirror_rc == 0, f"mirror failed: exit {mirror_rc}: {mirror_out[-300:]}")
good, bad, leftovers = h.check_tree(os.path.join(work, "mirror"), manifest)
check(good == len(manifest.photos) and not bad and not leftovers,
      f"mirror: {good}/{len(manifest.photos)} good, bad {bad[:2]}, partial {leftovers[:2]}")
# The sidecars (comments included) are the same whichever process fetched them.
page = os.path.join("photostream", "page-0001")
sidecars = [n for n in os.listdir(os.path.join(work, "mirror", page)) if n.endswith(".json")]
differ = [n for n in sidecars
          if h.read_prefix(os.path.join(work, "cp", page, n)) !=
          h.read_prefix(os.path.join(work, "mirror", page, n))]
check(len(sidecars) == len(manifest.photos) and not differ,
      f"{len(sidecars)} sidecars, cp and mirror differ on {differ[:2]}")
failed_calls = [c for c in results["calls"] if c[0] != 0]
check(not failed_calls, f"{len(failed_calls)} of 30 `flickrfs call`s failed: {failed_calls[:1]}")
note(f"cp -r {cp_secs:.1f} s, mirror {mirror_secs:.1f} s")

used = re.search(r"API budget: (\d+) of 60 calls used in the last 60 s", status_out)
check(used is not None, f"`flickrfs status` shows no budget line: {status_out[-300:]}")
if used:
    check(int(used.group(1)) <= 60, f"status counts {used.group(1)} calls in the window")
logs = m.read_logs()
check("corrupt" not in logs, "the budget file was seen corrupt after the kill")
m.close()
emu.close()
finish()

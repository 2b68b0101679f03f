#!/usr/bin/env python3
# Rate limit: the emulator allows 120 REST calls per hour; flickrfs given the same budget
# (FLICKRFS_API_CALLS_PER_HOUR=120) mirrors without a single 429. With 429s forced (a short
# emulator window, flickrfs unlimited) the mirror backs off, resumes and finishes. The budget
# shared by several processes at once is budget_test.py.
import os

from rel_common import check, emulator, finish, flickrfs, h, note, workdir

budget = {"FLICKRFS_API_CALLS_PER_HOUR": "120"}
emu = emulator(60, sets=3, args=["--rate-limit-per-hour", "120", "--image-kb", "8"])
manifest = emu.manifest()
work = workdir("rate")
dest = os.path.join(work, "dest")
rc, out, secs = flickrfs(["mirror", "flickr:", dest, "--no-progress"], emu.url, work, budget)
stats = emu.stats()
note(f"budget 120/h: exit {rc} in {secs:.1f} s, {stats['api_calls_total']} calls, "
     f"{stats['rate_limited']} answered 429")
check(rc == 0, f"mirror under the budget: exit {rc}: {out[-300:]}")
check(stats["rate_limited"] == 0, f"{stats['rate_limited']} requests were answered 429")
good, bad, leftovers = h.check_tree(dest, manifest)
check(good == len(manifest.photos) and not bad, f"{good} good, bad {bad[:2]}")
emu.close()

# Forced 429s: the emulator grants 6 calls per 2-second window (--rate-limit-window-s shortens
# its hour), flickrfs is unlimited, so bursts of calls are answered 429. The client holds off
# (at least 2 s on a 429, api/retry.hpp; 429s do not use up the attempts), the window has
# passed by then, and the mirror finishes with every file correct.
emu = emulator(60, sets=3, args=["--rate-limit-per-hour", "6", "--rate-limit-window-s", "2",
                                 "--image-kb", "8"])
manifest = emu.manifest()
work = workdir("rate-forced")
dest = os.path.join(work, "dest")
rc, out, secs = flickrfs(["mirror", "flickr:", dest, "--no-progress"], emu.url, work,
                         timeout=300)
stats = emu.stats()
note(f"forced 429s: exit {rc} in {secs:.1f} s, {stats['api_calls_total']} calls served, "
     f"{stats['rate_limited']} answered 429")
check(stats["rate_limited"] >= 1, "no request was answered 429: the test forced nothing")
check(rc == 0, f"mirror after 429s did not resume to success: exit {rc}: {out[-300:]}")
good, bad, leftovers = h.check_tree(dest, manifest)
check(good == len(manifest.photos) and not bad and not leftovers,
      f"after 429s: {good}/{len(manifest.photos)} good, bad {bad[:2]}, partial {leftovers[:2]}")
emu.close()
finish()

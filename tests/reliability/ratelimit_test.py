#!/usr/bin/env python3
# Rate limit: the emulator allows 120 REST calls per hour; flickrfs given the same budget
# (FLICKRFS_API_CALLS_PER_HOUR=120, burst 120) mirrors without a single 429. With a budget the
# emulator does not grant (flickrfs unlimited, emulator 8/hour), the 429s are retried with
# backoff (several 429s seen), the run ends with a clear failure, and no partial file is left.
import os

from rel_common import check, emulator, finish, flickrfs, h, note, workdir

budget = {"FLICKRFS_API_CALLS_PER_HOUR": "120", "FLICKRFS_API_BURST": "120"}
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

emu = emulator(60, sets=3, args=["--rate-limit-per-hour", "8", "--image-kb", "8"])
manifest = emu.manifest()
work = workdir("rate-forced")
dest = os.path.join(work, "dest")
rc, out, secs = flickrfs(["mirror", "flickr:", dest, "--no-progress"], emu.url, work,
                         timeout=600)
stats = emu.stats()
note(f"forced 429s: exit {rc} in {secs:.1f} s, {stats['rate_limited']} answered 429")
check(rc not in (0, -9), f"mirror over budget: exit {rc} (want a failure, not success/hang)")
check(stats["rate_limited"] >= 2, "the 429 was not retried")
check(out.strip() != "", "no message on a failed run")
good, bad, leftovers = h.check_tree(dest, manifest) if os.path.isdir(dest) else (0, [], [])
check(not bad and not leftovers, f"after 429s: bad {bad[:2]}, partial {leftovers[:2]}")
emu.close()
finish()

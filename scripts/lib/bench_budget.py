# Line B of scripts/bench (issue 20): what Flickr's DEFAULT call budget (3,600 calls per
# rolling hour shared by every process of the key, 8 calls in flight) costs a user, measured
# against the same work with the budget lifted (FLICKRFS_API_CALLS_PER_HOUR=0), in one run:
# `cp -r` and `rsync -a` of a 300-photo page over a fresh mount (about 20 % of the photos
# have comments, so their sidecars need a call each; albums need their pages), and a first
# `flickrfs mirror flickr:` of 800 photos. Target: at most 1.5x.
#
# Thread contract: called one at a time from scripts/bench.
import os

import bench_harness as h
from bench_lines import row, timed_page_copy

def budget_env(emu, work, default_budget):
    env = h.flickrfs_env(emu.url, work, None if default_budget else h.LIFT_BUDGET)
    if default_budget:  # nothing inherited from the caller's environment either
        for name in tuple(h.LIFT_BUDGET) + ("FLICKRFS_API_WINDOW_S", "FLICKRFS_API_IN_FLIGHT",
                                            "FLICKRFS_IMAGE_IN_FLIGHT"):
            env.pop(name, None)
    return env


def line_budget(cfg):
    """default call budget vs lifted: cp -r / rsync -a of a 300-photo page, first mirror of 800"""
    page_n = 100 if cfg.quick else 300
    mirror_n = 200 if cfg.quick else 800
    runs = 1 if cfg.quick else cfg.runs
    raw = {"page_photos": page_n, "mirror_photos": mirror_n}
    modes = (("default", True), ("lifted", False))
    emu = cfg.emu(page_n)
    try:
        for _ in range(runs):
            for tool, cmd in (("cp", "cp -r '{}' '{}/'"), ("rsync", "rsync -a '{}' '{}/'")):
                for mode, default_budget in modes:
                    work = cfg.fresh(f"budget-{tool}-{mode}")
                    raw.setdefault(f"{tool}_{mode}", []).append(
                        timed_page_copy(cfg, budget_env(emu, work, default_budget), work, cmd))
    finally:
        emu.close()
    emu = cfg.emu(mirror_n)
    try:
        for _ in range(runs):
            for mode, default_budget in modes:
                work = cfg.fresh(f"budget-mirror-{mode}")
                emu.reset_stats()
                rc, out, secs = h.run([cfg.flickrfs, "mirror", "flickr:",
                                       os.path.join(work, "dest"), "--no-progress"],
                                      env=budget_env(emu, work, default_budget), timeout=3600)
                if rc != 0:
                    raise RuntimeError(f"mirror ({mode} budget) exited {rc}: {out.strip()[-160:]}")
                raw.setdefault(f"mirror_{mode}", []).append(secs)
                raw.setdefault(f"mirror_{mode}_calls", []).append(emu.stats()["api_calls_total"])
    finally:
        emu.close()
    what = "the same with the budget lifted"
    return [row("B", f"cp -r of a {page_n}-photo page, default call budget",
                h.median(raw["cp_default"]), h.median(raw["cp_lifted"]), "s", what),
            row("B", "  rsync -a of the page, default call budget",
                h.median(raw["rsync_default"]), h.median(raw["rsync_lifted"]), "s", what),
            row("B", f"  first mirror of {mirror_n} photos, default call budget",
                h.median(raw["mirror_default"]), h.median(raw["mirror_lifted"]), "s", what)], raw

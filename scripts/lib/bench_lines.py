# The lines of scripts/bench (issue 9). Each line function takes a Config and returns
# (rows, raw): rows for the table (value, baseline, ratio = value / baseline, unit) and raw
# per-run times for bench-results/latest.json. Every baseline is measured or computed in the
# same run, never copied from an earlier one.
#
# Thread contract: called one at a time from scripts/bench; lines may start threads.
import errno
import json
import math
import os
import shutil
import sys
import time
import urllib.request

import bench_harness as h

LATENCY_MS = 50
BANDWIDTH_MBPS = 100  # per response: flickr-emulator paces each body separately


class Config:
    def __init__(self, bin_dir, quick, runs, work):
        self.bin_dir, self.quick, self.runs, self.work = bin_dir, quick, runs, work
        # --quick keeps every line but shrinks what costs minutes (issue 9: under 3 minutes):
        # each cold run needs a fresh mount, whose first listing makes the emulator render the
        # whole page (seconds per 500 photos on a loaded 2-core machine).
        self.page_photos = 520  # page-0001 holds 500
        self.tree_photos = 500 if quick else 100000
        self.tree_fill = True  # line 2: `ls -lR` once online so every byte size is known
        self.read_photos = 50
        self.copy_photos = 100 if quick else 2000
        self.image_kb = 100 if quick else 300
        self.warm_runs = max(runs, 5)  # warm commands over a filled cache cost milliseconds
        self.mixed_pairs = 1 if quick else runs  # line 8: one mount per alone/loaded run
        self.mixed_image_kb = 1000 if quick else 3000
        # Issue 10's page copy: without prefetch every file pays its latencies in sequence.
        self.prefetch_photos = 50 if quick else 500
        self.prefetch_runs = 1 if quick else runs
        self.jobs = 8  # flickrfs default --jobs (parallel downloads)
        self.probe_threads = 16  # the mount's size-probe threads (CatalogOptions)
        self.emulator = os.path.join(bin_dir, "flickr-emulator")
        self.flickrfs = os.path.join(bin_dir, "flickrfs")
        self._n = 0

    def describe(self):
        return {"latency_ms": LATENCY_MS, "bandwidth_mbps_per_response": BANDWIDTH_MBPS,
                "image_kb": self.image_kb, "tree_photos": self.tree_photos,
                "copy_photos": self.copy_photos, "mixed_pairs": self.mixed_pairs,
                "mixed_image_kb": self.mixed_image_kb, "warm_runs": self.warm_runs,
                "prefetch_photos": self.prefetch_photos,
                "prefetch_runs": self.prefetch_runs, "jobs": self.jobs}

    def fresh(self, tag):
        """A new empty work directory (cold cache)."""
        self._n += 1
        path = os.path.join(self.work, f"{tag}-{self._n}")
        os.makedirs(path)
        return path

    def emu(self, photos, latency=LATENCY_MS, bandwidth=BANDWIDTH_MBPS, image_kb=None, sets=4,
            extra=()):
        args = ["--latency-ms", latency, "--image-kb", image_kb or self.image_kb] + list(extra)
        if bandwidth:
            args += ["--bandwidth-mbps", bandwidth]
        return h.Emulator(self.emulator, photos=photos, sets=sets, args=args)

    def mount(self, emu, work, args=(), timeout=180, env_extra=None):
        return h.Mount(self.flickrfs, h.flickrfs_env(emu.url, work, env_extra),
                       os.path.join(work, "mnt"), args=args, timeout=timeout)


def row(line, name, value, baseline, unit, baseline_is):
    ratio = value / baseline if value is not None and baseline else None
    return {"line": line, "name": name, "value": value, "baseline": baseline, "ratio": ratio,
            "unit": unit, "baseline_is": baseline_is}


def na(line, name, reason):
    return {"line": line, "name": name, "na": reason}


def timed_shell(command, timeout=600):
    rc, out, secs = h.run(["sh", "-c", command], timeout=timeout)
    if rc != 0:
        raise RuntimeError(f"`{command[:60]}` exited {rc}: {out.strip()[-200:]}")
    return secs


def local_replica(src, dest):
    """The tree's shape with sparse files of the same sizes and the same symlinks, for the
    metadata-only baselines (find, ls -lR)."""
    for dirpath, dirs, files in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        target = os.path.join(dest, rel)
        os.makedirs(target, exist_ok=True)
        for name in dirs + files:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                os.symlink(os.readlink(path), os.path.join(target, name))
                if name in dirs:
                    dirs.remove(name)
            elif name in files:
                with open(os.path.join(target, name), "wb") as f:
                    f.truncate(os.lstat(path).st_size)


def local_names(src, dest):
    """The tree's names and symlinks with empty files, read without a stat of any file (the
    baseline of `find -type f` when the mount has not learnt byte sizes)."""
    for dirpath, dirs, files in os.walk(src):
        target = os.path.join(dest, os.path.relpath(dirpath, src))
        os.makedirs(target, exist_ok=True)
        with os.scandir(dirpath) as entries:
            for entry in entries:
                path = os.path.join(target, entry.name)
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), path)
                    if entry.name in dirs:
                        dirs.remove(entry.name)
                elif not entry.is_dir(follow_symlinks=False):
                    open(path, "wb").close()


def line1_cold_ls(cfg):
    """cold ls -l of a 500-photo page vs (1 listing + size probes) x latency"""
    emu = cfg.emu(cfg.page_photos)
    times = []
    try:
        for _ in range(cfg.runs):
            work = cfg.fresh("ls")
            m = cfg.mount(emu, work)
            page = os.path.join(m.root, "photostream", "page-0001")
            times.append(timed_shell(f"ls -l '{page}'/* > /dev/null"))
            m.close()
    finally:
        emu.close()
    # One listing round trip, then 500 size probes on the mount's probe threads.
    floor = (1 + math.ceil(500 / cfg.probe_threads)) * LATENCY_MS / 1000
    return [row("1", "cold ls -l page-0001/* (500 photos)", h.median(times), floor, "s",
                f"floor (1+ceil(500/{cfg.probe_threads}))x{LATENCY_MS}ms")], \
        {"runs": times, "floor": floor}


def line2_warm_tree(cfg):
    """warm find / ls -lR over the tree, network stopped, vs a local copy; line 7 too"""
    n = cfg.tree_photos
    emu = cfg.emu(n, latency=0, bandwidth=0, image_kb=20, sets=20 if n > 10000 else 4)
    work = cfg.fresh("tree")
    start = h.now()
    # --dir-cache-time 10: the refresh after one upload (below) is asked for after 10 s.
    # Beyond 10,000 photos the budget is lifted: the `ls -lR` fill stats every sidecar, whose
    # exact size needs one comments call per commented photo (a fifth of them here), 20,000
    # calls at 100,000 photos against Flickr's 3,600 an hour; with the default budget the
    # sidecars past the hour's calls fail with EIO after the mount's wait. Line 2 measures the
    # warm tree, which needs no call at all.
    m = cfg.mount(emu, work, args=["--dir-cache-time", "10s"], timeout=3600,
                  env_extra=h.LIFT_BUDGET if n > 10000 else None)
    raw = {"photos": n, "mount_seconds_latency0": m.mount_seconds}
    try:
        raw["first_page_seconds_latency0"] = first_page_seconds(m.root, start)
        # The first mount lists the account in the background, and a directory not listed
        # yet is waited for at most 20 s: at 100,000 photos the fill below could otherwise
        # walk a partial tree. Line 2 measures the complete one.
        raw["listing_seconds_latency0"] = wait_listing_complete(work, 1800 * max(1, n / 100000))
        progress(raw, m)
        if cfg.tree_fill:
            fill = h.now()
            timed_shell(f"ls -lR '{m.root}' > /dev/null", timeout=7200)
            raw["fill_seconds_latency0"] = h.now() - fill
        raw["refresh_one_upload"] = refresh_after_upload(emu, m, work)
        if cfg.tree_fill:  # the tree seen once more: the new upload's size too
            timed_shell(f"ls -lR '{m.root}' > /dev/null", timeout=7200)
        progress(raw, m)
        emu.close()  # network stopped: everything below comes from the cache
        local = os.path.join(work, "local")
        cmds = {"find": "find '{}' -type f | wc -l > /dev/null", "ls": "ls -lR '{}' > /dev/null"}
        if cfg.tree_fill:
            local_replica(m.root, local)
        else:  # no byte sizes known: `find` only, against a copy of the names
            local_names(m.root, local)
            del cmds["ls"]
        for key, cmd in cmds.items():
            raw[key + "_mount"] = [timed_shell(cmd.format(m.root)) for _ in range(cfg.warm_runs)]
            raw[key + "_local"] = [timed_shell(cmd.format(local)) for _ in range(cfg.warm_runs)]
        rss = h.rss_kb(m.proc.pid)  # three reads, as close together as they can be
        rss_anon = h.rss_kb(m.proc.pid, "RssAnon")
        rss_file = h.rss_kb(m.proc.pid, "RssFile")
        peak = h.rss_kb(m.proc.pid, "VmHWM")  # the first listing and fill included
        lmdb = sum(h.disk_bytes(os.path.join(dp, f))
                   for dp, _, fs in os.walk(os.path.join(work, "cache"))
                   for f in fs if f.endswith(".mdb") or "lmdb" in dp + f)
        raw.update({"rss_kb": rss, "rss_anon_kb": rss_anon, "rss_file_kb": rss_file,
                    "peak_rss_kb": peak, "lmdb_bytes": lmdb})
    finally:
        m.close()
        emu.close()
    label = f"{n // 1000}k photos" if n >= 1000 else f"{n} photos"
    rows = [
        row("2", f"warm find -type f | wc -l, {label}, offline", h.median(raw["find_mount"]),
            h.median(raw["find_local"]), "s", "same on a local copy"),
        row("2", f"warm ls -lR, {label}, offline", h.median(raw["ls_mount"]),
            h.median(raw["ls_local"]), "s", "same on a local copy") if cfg.tree_fill else
        na("2", f"warm ls -lR, {label}, offline", "--tree-no-fill: byte sizes never probed"),
        row("7", f"daemon RSS after line 2 ({label})", rss, None, "MB", ""),
        row("7", "  of which private (RssAnon: heap, stacks)", rss_anon, None, "MB", ""),
        row("7", "  of which mapped files (RssFile: the LMDB map)", rss_file, None, "MB", ""),
        row("7", "  peak since mount (VmHWM: first listing and fill)", peak, None, "MB", ""),
        row("7", "LMDB bytes per photo", round(lmdb / n) if lmdb else None, None, "B",
            "allocated blocks of the .mdb files"),
        row("7", "first mount: mount point answers", m.mount_seconds, None, "s", ""),
        row("7", "first mount: page-0001 listed in full", raw["first_page_seconds_latency0"],
            None, "s", "from the mount command's start"),
    ]
    refresh = raw["refresh_one_upload"]
    rows.append(row("7", "refresh after one upload: API calls", refresh["api_calls"], None, "",
                    f"a full walk: {math.ceil(n / 500)} + albums"))
    rows.append(row("7", "refresh after one upload: daemon CPU", refresh["cpu_seconds"], None,
                    "s", "user + system"))
    return rows, raw


def progress(raw, m):
    """What line 2 has measured so far, on stdout at once (a 1,000,000-photo run is long)."""
    now = {k: v for k, v in raw.items() if not isinstance(v, list)}
    now.update({"rss_kb": h.rss_kb(m.proc.pid), "peak_rss_kb": h.rss_kb(m.proc.pid, "VmHWM")})
    print(f"[bench] line 2 so far: {json.dumps(now)}", flush=True)


def first_page_seconds(root, start, timeout=3600):
    """Seconds from `start` until photostream/page-0001 lists its 500 photos (and sidecars)."""
    page = os.path.join(root, "photostream", "page-0001")
    while h.now() - start < timeout:
        try:
            if len(os.listdir(page)) >= 1001:  # 500 images, 500 sidecars, .hidden
                return h.now() - start
        except OSError:
            pass  # not listed yet
        time.sleep(0.1)
    raise RuntimeError(f"page-0001 was not listed in {timeout} s")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def refresh_after_upload(emu, m, work, timeout=600):
    """One new upload, then a listing of photostream/ once --dir-cache-time (10 s) has passed:
    the API calls and daemon CPU time until the new photo is listed."""
    emu.reset_stats()
    new_id = json.loads(emu.post("/_emulator/mutate",
                                 json.dumps({"op": "add", "count": 1}).encode()))["ids"][0]
    time.sleep(11)
    cpu = cpu_seconds(m.proc.pid)
    start = h.now()
    stream = os.path.join(m.root, "photostream")
    while h.now() - start < timeout:
        pages = sorted(os.listdir(stream))  # asks for the refresh (and sees its result)
        if pages and any(new_id in name for name in os.listdir(os.path.join(stream, pages[-1]))):
            stats = emu.stats()
            return {"api_calls": stats["api_calls_total"], "calls": stats["calls"],
                    "cpu_seconds": cpu_seconds(m.proc.pid) - cpu,
                    "seconds": h.now() - start}
        time.sleep(0.2)
    raise RuntimeError(f"the new upload {new_id} was not listed in {timeout} s")


def wait_listing_complete(work, timeout=1800):
    """Seconds until the mount's status file (CACHE/mounts/*.status) says listing=complete."""
    start = h.now()
    mounts = os.path.join(work, "cache", "mounts")
    while h.now() - start < timeout:
        for name in os.listdir(mounts) if os.path.isdir(mounts) else []:
            try:
                with open(os.path.join(mounts, name), encoding="utf-8") as f:
                    if "listing=complete\n" in f.read():
                        return h.now() - start
            except OSError:
                pass  # rewritten (renamed over) right now
        time.sleep(0.5)
    raise RuntimeError(f"the first listing did not complete in {timeout} s")


def manifest_urls(manifest, files):
    urls = []
    for path in files:
        m = h.ID_RE.search(os.path.basename(path))
        sizes = manifest.expected_sizes(manifest.by_id[m.group(1)])
        urls.append(sizes[0]["url"])
    return urls


def line3_reads(cfg):
    """cold sequential read of 50 originals vs curl; warm read vs cat of a local copy"""
    emu = cfg.emu(cfg.read_photos + 20)
    raw = {"cold": [], "curl": [], "warm": [], "cat": []}
    try:
        manifest = emu.manifest()
        for _ in range(cfg.runs):
            work = cfg.fresh("read")
            m = cfg.mount(emu, work)
            files = h.photo_files(m.root, cfg.read_photos)[:cfg.read_photos]
            quoted = " ".join(f"'{f}'" for f in files)
            raw["cold"].append(timed_shell(f"cat {quoted} > /dev/null"))
            raw["warm"].append(timed_shell(f"cat {quoted} > /dev/null"))
            local = os.path.join(work, "local")
            os.makedirs(local)
            for i, f in enumerate(files):
                shutil.copyfile(f, os.path.join(local, str(i)))
            raw["cat"].append(timed_shell(f"cat '{local}'/* > /dev/null"))
            m.close()
            args = []
            for url in manifest_urls(manifest, files):
                args += ["-o", "/dev/null", url]
            rc, out, secs = h.run(["curl", "-sSf"] + args, timeout=600)
            if rc != 0:
                raise RuntimeError(f"curl failed: {out[-200:]}")
            raw["curl"].append(secs)
    finally:
        emu.close()
    return [
        row("3", "cold sequential read, 50 originals", h.median(raw["cold"]),
            h.median(raw["curl"]), "s", "curl of the same URLs (1 connection)"),
        row("3", "warm read, same 50 files", h.median(raw["warm"]), h.median(raw["cat"]), "s",
            "cat of a local copy"),
    ], raw


def mirror_cmd(cfg, emu, work, dest):
    env = h.flickrfs_env(emu.url, work)
    return h.run([cfg.flickrfs, "mirror", "flickr:", dest, "--no-progress"], env=env,
                 timeout=1800)


def line4_copy(cfg):
    """cold full copy: mirror vs rsync -a / cp -r over the mount vs floor; lines 5 and 6"""
    n = cfg.copy_photos
    emu = cfg.emu(n, sets=6)
    raw = {"mirror": [], "rsync": [], "cp": [], "rsync_np": [], "mirror_calls": [], "rerun": [],
           "rerun_calls": [], "rerun_images": [], "collection_calls": [], "favorite_calls": []}
    rows = []
    try:
        manifest = emu.manifest()
        total = manifest.total_best_bytes(favorites=True)  # the mirror copies favorites/ too
        for _ in range(cfg.runs):
            work = cfg.fresh("mirror")
            emu.reset_stats()
            rc, out, secs = mirror_cmd(cfg, emu, work, os.path.join(work, "dest"))
            if rc != 0:
                raise RuntimeError(f"mirror exited {rc}: {out.strip()[-160:]}")
            raw["mirror"].append(secs)
            stats = emu.stats()
            raw["mirror_calls"].append(stats["api_calls_total"])
            raw["collection_calls"].append(stats["calls"].get("flickr.collections.getTree", 0))
            raw["favorite_calls"].append(stats["calls"].get("flickr.favorites.getList", 0))
            emu.reset_stats()
            rc, out, secs = mirror_cmd(cfg, emu, work, os.path.join(work, "dest"))
            stats = emu.stats()
            raw["rerun"].append(secs)
            raw["rerun_calls"].append(stats["api_calls_total"])
            raw["rerun_images"].append(stats["images"])
            # rsync over a mount without walk-ahead prefetch: what a lazy FUSE mount gives
            # the tools users know (issue 8's "rsync over the mount"; with prefetch, issue 10
            # brings rsync close to the mirror on purpose).
            for tool, cmd, args in (("rsync", "rsync -a '{}/' '{}/'", ()),
                                    ("cp", "cp -r '{}' '{}'", ()),
                                    ("rsync_np", "rsync -a '{}/' '{}/'", ("--no-prefetch",))):
                work = cfg.fresh(tool)
                m = cfg.mount(emu, work, args=args)
                raw[tool].append(timed_shell(cmd.format(m.root, os.path.join(work, "dest")),
                                             timeout=3600))
                m.close()
        album_calls = 1 + sum(max(1, math.ceil(len(s["photo_ids"]) / 500))
                              for s in manifest.sets)
        # favorites/ holds real files: their comments and video streams count like the
        # photostream's.
        shown = manifest.photos + manifest.favorites
        commented = sum(1 for p in shown if p.get("count_comments", 0) > 0)
        # A video's stream URL comes only from getSizes (flickr-api.md section 9).
        videos = sum(1 for p in shown if p.get("media") == "video")
        # The views: collections/ is one collections.getTree; tags/, by-date/ and by-upload/
        # come from the listing's extras (0 calls); favorites/ is ceil(F/500) favorites.getList
        # pages (an empty list still answers page 1).
        collection_calls = 1
        favorite_calls = max(1, math.ceil(len(manifest.favorites) / 500))
        minimum = (math.ceil(n / 500) + album_calls + commented + videos + collection_calls +
                   favorite_calls)
        # The emulator paces each response on its own (BANDWIDTH_MBPS per body) after its
        # latency, so with `jobs` transfers at once the copy cannot beat: two listing rounds
        # (the photostream pages and album list in parallel, then the albums' members), then
        # every request's latency and every body's transfer time spread over `jobs`.
        requests = len(shown) + commented + videos
        floor = 2 * LATENCY_MS / 1000 + \
            (requests * LATENCY_MS / 1000 + total * 8 / (BANDWIDTH_MBPS * 1e6)) / cfg.jobs
        raw.update({"bytes": total, "floor": floor, "min_calls": minimum})
        what = f"{n} photos + {len(manifest.favorites)} favorites, {total / 1e6:.0f} MB"
        base = f"floor: 2 listing rounds + (requests x latency + bytes/bw) / {cfg.jobs}"
        rows += [
            row("4", f"cold copy {what}: flickrfs mirror", h.median(raw["mirror"]), floor, "s",
                base),
            row("4", "  rsync -a over the mount", h.median(raw["rsync"]), floor, "s", base),
            row("4", "  cp -r over the mount", h.median(raw["cp"]), floor, "s", base),
            row("4", "  rsync -a over the mount, --no-prefetch", h.median(raw["rsync_np"]), floor,
                "s", base),
            row("4", "mirror vs rsync -a over a mount without prefetch", h.median(raw["mirror"]),
                h.median(raw["rsync_np"]), "s", "rsync -a, --no-prefetch (issue 8: <= 0.2)"),
            row("5", "mirror rerun, nothing changed", h.median(raw["rerun"]),
                h.median(raw["mirror"]), "s", "the cold mirror"),
            row("5", "  API calls / images of the rerun", h.median(raw["rerun_calls"]), None, "",
                f"images {h.median(raw['rerun_images'])}"),
            row("6", "API calls for a full mirror", h.median(raw["mirror_calls"]), minimum, "",
                "ceil(N/500)+albums+commented+videos+1 collections+ceil(F/500) favorites"),
            row("6", "  collections/: collections.getTree calls", h.median(raw["collection_calls"]),
                collection_calls, "", "one call for the whole tree"),
            row("6", "  favorites/: favorites.getList calls", h.median(raw["favorite_calls"]),
                favorite_calls, "", f"ceil(F/500), F = {len(manifest.favorites)}"),
            row("6", "  tags/, by-date/, by-upload/: calls beyond the minimum",
                h.median(raw["mirror_calls"]) - minimum, 0, "", "none: the listing's extras"),
        ]
    finally:
        emu.close()
    return rows, raw


def read_all(path, nbytes=None):
    return len(h.read_prefix(path, nbytes))


def line8_mixed(cfg):
    """16 thumbnail readers (64 KB of 500 photos) while one large read streams vs alone"""
    emu = cfg.emu(cfg.page_photos, image_kb=cfg.mixed_image_kb)
    raw = {"alone": [], "loaded": []}
    try:
        for loaded in [False, True] * cfg.mixed_pairs:
            work = cfg.fresh("mixed")
            m = cfg.mount(emu, work)
            files = h.photo_files(m.root, 501)
            big = files[0]  # the same photo each run; every run has a fresh (cold) cache
            thumbs = [f for f in files if f != big][:500]
            start = h.now()
            if not loaded:
                read_all(big)
                raw["alone"].append(h.now() - start)
            else:
                done = {}

                def stream():
                    t = h.now()
                    read_all(big)
                    done["big"] = h.now() - t

                def reader(k):
                    def run():
                        for f in thumbs[k::16]:
                            try:
                                read_all(f, 65536)
                            except OSError as e:  # counted: a figure over failed reads lies
                                raw.setdefault("thumb_errors", []).append(f"{e.errno} {f}")
                    return run

                h.run_parallel([stream] + [reader(k) for k in range(16)])
                raw["loaded"].append(done["big"])
            m.close()
    finally:
        emu.close()
    if raw.get("thumb_errors"):
        return [na("8", "large read while 16 readers take 64 KB of 500",
                   f"{len(raw['thumb_errors'])} thumbnail reads failed, first "
                   f"{raw['thumb_errors'][0][-90:]}")], raw
    return [row("8", "large read while 16 readers take 64 KB of 500", h.median(raw["loaded"]),
                h.median(raw["alone"]), "s", "the same read alone")], raw


def timed_page_copy(cfg, env, work, cmd, args=()):
    """Mounts in `work` with `env`, lists photostream (untimed), then times `cmd` (a format
    string of the page and a destination) copying page-0001."""
    m = h.Mount(cfg.flickrfs, env, os.path.join(work, "mnt"), args=args)
    try:
        os.listdir(os.path.join(m.root, "photostream"))  # the listing, not the bytes
        dest = os.path.join(work, "dest")
        os.makedirs(dest)
        return timed_shell(cmd.format(os.path.join(m.root, "photostream", "page-0001"), dest),
                           timeout=3600)
    finally:
        m.close()


def line_prefetch(cfg):
    """cp -r / rsync -a of a page over the mount, prefetch on and off, vs flickrfs mirror"""
    n = cfg.prefetch_photos  # the whole world is one page, so `mirror flickr:` copies it
    emu = cfg.emu(n, sets=1)
    raw = {"photos": n}
    try:
        for _ in range(cfg.prefetch_runs):
            for tool, cmd in (("cp", "cp -r '{}' '{}/'"), ("rsync", "rsync -a '{}' '{}/'")):
                for mode, args in (("on", []), ("off", ["--no-prefetch"])):
                    work = cfg.fresh(f"pf-{tool}-{mode}")
                    raw.setdefault(f"{tool}_{mode}", []).append(
                        timed_page_copy(cfg, h.flickrfs_env(emu.url, work), work, cmd, args))
            work = cfg.fresh("pf-mirror")
            rc, out, secs = mirror_cmd(cfg, emu, work, os.path.join(work, "dest"))
            if rc != 0:
                raise RuntimeError(f"mirror exited {rc}: {out.strip()[-160:]}")
            raw.setdefault("mirror", []).append(secs)
    finally:
        emu.close()
    base = h.median(raw["mirror"])
    what = "flickrfs mirror of the same photos"
    return [row("P", f"cp -r of a {n}-photo page, prefetch on", h.median(raw["cp_on"]), base,
                "s", what),
            row("P", "  cp -r, --no-prefetch", h.median(raw["cp_off"]), base, "s", what),
            row("P", "  rsync -a, prefetch on", h.median(raw["rsync_on"]), base, "s", what),
            row("P", "  rsync -a, --no-prefetch", h.median(raw["rsync_off"]), base, "s", what)], raw


OFFLINE_READER = """
import sys, time
for path in sys.argv[1:]:
    start = time.monotonic()
    try:
        open(path, 'rb').read(); outcome = 'OK'
    except OSError as e:
        outcome = 'ERRNO%d' % e.errno
    print(outcome, time.monotonic() - start, flush=True)
"""


def line_offline(cfg):
    """uncached read with the emulator stopped fails (EIO) within 1 s (DESIGN promise)"""
    emu = cfg.emu(40, image_kb=16)
    work = cfg.fresh("offline")
    m = cfg.mount(emu, work, args=["--no-prefetch"])  # nothing but the listing is cached
    raw = {"seconds": [], "outcomes": []}
    try:
        files = h.photo_files(m.root)[:20]
        for f in files:
            os.lstat(f)  # sizes known: only the bytes are missing offline
        emu.close()
        rc, out, _ = h.run([sys.executable, "-c", OFFLINE_READER] + files, timeout=120)
        for line in out.splitlines():
            outcome, secs = line.split()
            raw["outcomes"].append(outcome)
            raw["seconds"].append(float(secs))
        raw["blocked"] = rc == -9
    finally:
        m.close()
        emu.close()
    name = f"offline uncached read ({len(files)} files): error after"
    wrong = [o for o in raw["outcomes"] if o != f"ERRNO{errno.EIO}"]
    if raw["blocked"] or wrong or len(raw["outcomes"]) != len(files):
        return [na("O", name, f"blocked {raw['blocked']}, outcomes {raw['outcomes'][:3]}")], raw
    return [row("O", name + " (max; median in json)", max(raw["seconds"]), 1.0, "s",
                "DESIGN: EIO within 1 s")], raw


def line_upload(cfg):
    """upload throughput: `flickrfs upload` and `cp` into a --writable mount's upload/ vs
    `curl -F` posting the same files"""
    n = 20 if cfg.quick else 100
    kb = 200
    src = cfg.fresh("upload-src")
    files = []
    for k in range(n):
        path = os.path.join(src, f"u{k:04d}.jpg")
        with open(path, "wb") as f:  # JPEG-framed: the emulator sniffs the type like Flickr
            f.write(b"\xff\xd8\xff\xe0" + os.urandom(kb * 1024) + b"\xff\xd9")
        files.append(path)
    raw = {"files": n, "kb": kb, "flickrfs": [], "mount": [], "curl": []}
    for _ in range(cfg.runs):
        emu = cfg.emu(10, extra=["--ticket-ms", 0])
        try:
            # Baseline: one curl, one connection, the same multipart POST per file (unsigned,
            # so the emulator reads the whole body and answers code 99 without storing it).
            argv = ["curl", "-sS", "-o", "/dev/null"]
            for k, path in enumerate(files):
                argv += (["--next"] if k else []) + ["-o", "/dev/null", "-F", f"title=u{k}",
                                                     "-F", f"photo=@{path}",
                                                     emu.url + "/services/upload/"]
            rc, out, secs = h.run(argv, timeout=600)
            if rc != 0:
                raise RuntimeError(f"curl -F exited {rc}: {out[-200:]}")
            raw["curl"].append(secs)
            work = cfg.fresh("upload")
            rc, out, secs = h.run([cfg.flickrfs, "upload"] + files,
                                  env=h.flickrfs_env(emu.url, work), timeout=600)
            if rc != 0:
                raise RuntimeError(f"flickrfs upload exited {rc}: {out[-300:]}")
            raw["flickrfs"].append(secs)
            if emu.stats().get("uploads") != n:
                raise RuntimeError(f"emulator counted {emu.stats().get('uploads')} uploads")
            raw["mount"].append(mount_upload_seconds(cfg, emu, files, 2 * n))
        finally:
            emu.close()
    ours = n / h.median(raw["flickrfs"])
    mounted = n / h.median(raw["mount"])
    base = n / h.median(raw["curl"])
    baseline_is = "curl -F, same files, one connection (target ratio >= 0.8)"
    return [row("U", f"upload {n} x {kb} KB at {LATENCY_MS} ms", ours, base, "files/s",
                baseline_is),
            row("U", f"cp {n} x {kb} KB into upload/, until on Flickr", mounted, base,
                "files/s", baseline_is)], raw


def mount_upload_seconds(cfg, emu, files, uploads_then, timeout=600):
    """Seconds from `cp FILES MOUNT/upload/` until the emulator counts `uploads_then` uploads
    and upload/ is empty again (the mount is up and listed before the clock starts)."""
    work = cfg.fresh("upload-mount")
    m = cfg.mount(emu, work, args=["--writable"])
    try:
        upload = os.path.join(m.root, "upload")
        os.listdir(os.path.join(m.root, "photostream"))
        start = h.now()
        rc, out, _ = h.run(["cp"] + files + [upload], timeout=timeout)
        if rc != 0:
            raise RuntimeError(f"cp into upload/ exited {rc}: {out[-200:]}")
        while emu.stats().get("uploads") != uploads_then or os.listdir(upload):
            if h.now() - start > timeout:
                raise RuntimeError(f"upload/ not emptied in {timeout} s")
            time.sleep(0.02)
        return h.now() - start
    finally:
        m.close()


def _desktop_module():
    """tests/desktop's helpers (Xvfb, a session bus, a file manager, killing by PID)."""
    import importlib.util
    path = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "desktop",
                        "thumbnails_desktop_test.py")
    spec = importlib.util.spec_from_file_location("thumbnails_desktop_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def line_thumbnails(cfg):
    """time until PCManFM has thumbnails of a 500-photo page, with and without the feature"""
    name = "PCManFM thumbnails of a 500-photo page"
    missing = [t for t in ("Xvfb", "dbus-launch", "xdotool", "pcmanfm") if not shutil.which(t)]
    if missing or not h.fuse_available():
        return [na("T", name, "missing " + ", ".join(missing or ["FUSE"]))], {}
    d = _desktop_module()
    d.RUN_TIMEOUT = 300
    emu = cfg.emu(cfg.page_photos, sets=1)
    procs = d.Processes()
    raw = {"photos": 500, "latency_ms": LATENCY_MS, "image_kb": cfg.image_kb}
    try:
        desktop = d.Desktop(cfg.flickrfs, cfg.work, procs)
        desktop.start_x()
        # Listing, sizes and comments once, as a file manager's first visit would fetch
        # them anyway; each run then starts from a copy, so only thumbnails are timed.
        warm = cfg.fresh("thumb-warm")
        m = cfg.mount(emu, warm, args=["--no-thumbnails"])
        page = os.path.join(m.root, "photostream", "page-0001")
        pictures = [n for n in os.listdir(page) if not n.endswith(".json") and n != ".hidden"]
        for n in os.listdir(page):
            os.lstat(os.path.join(page, n))
        m.close()
        for mode, args in (("on", []), ("off", ["--no-thumbnails"])):
            work = cfg.fresh(f"thumb-{mode}")
            shutil.copytree(os.path.join(warm, "cache"), os.path.join(work, "cache"))
            home = os.path.join(work, "home")
            os.makedirs(home)
            env = h.flickrfs_env(emu.url, work, {"XDG_CACHE_HOME": os.path.join(home, ".cache")})
            m = h.Mount(cfg.flickrfs, env, os.path.join(work, "mnt"), args=args)
            page = os.path.join(m.root, "photostream", "page-0001")
            # The pictures a file manager can thumbnail itself (libfm has no video thumbnailer
            # here): the time is until each of them has a normal thumbnail.
            wanted = {d.thumbnail_name(os.path.join(page, n)) for n in pictures
                      if not n.endswith(".mp4")}
            thumbs = os.path.join(home, ".cache", "thumbnails", "normal")
            emu.reset_stats()
            start = h.now()

            def all_there(_elapsed):
                have = set(os.listdir(thumbs)) if os.path.isdir(thumbs) else set()
                return wanted <= have

            _, session = d.run_file_manager("pcmanfm", desktop, procs, page, home, all_there)
            seconds = h.now() - start
            done = all_there(0)
            stats = emu.stats()
            for pid in session:
                procs.kill(pid)
            m.close()
            raw[mode] = {"seconds": seconds, "complete": done, "image_bytes": stats["image_bytes"],
                         "images": stats["images"],
                         "bytes_by_label": stats.get("image_bytes_by_label", {})}
    finally:
        procs.kill_all()
        emu.close()
    on, off = raw["on"], raw["off"]
    if not (on["complete"] and off["complete"]):
        return [na("T", name, f"incomplete: on {on['complete']}, off {off['complete']}")], raw
    what = "the same with --no-thumbnails"
    return [row("T", name + " (s)", on["seconds"], off["seconds"], "s", what),
            row("T", "  bytes downloaded while it fills them", on["image_bytes"] / 1024,
                off["image_bytes"] / 1024, "MB", what)], raw


def emulator_lines(cfg):
    """emulator: 1M-photo startup and RSS, 64 parallel requests, bandwidth cap accuracy"""
    raw = {"startup_1m": [], "startup_1": [], "rss_1m": 0, "rss_1": 0, "parallel64": [],
           "bw_seconds": [], "bw_bytes": 0}
    for _ in range(cfg.runs):
        for n, key in ((1000000, "1m"), (1, "1")):
            e = h.Emulator(cfg.emulator, photos=n, sets=20 if n > 1 else 1)
            raw["startup_" + key].append(e.startup_seconds)
            raw["rss_" + key] = e.stats().get("process", {}).get("rss_kb")
            e.close()
    latency = 0.2
    e = h.Emulator(cfg.emulator, photos=10, sets=1, args=["--latency-ms", int(latency * 1000)])
    url = (f"http://127.0.0.1:{e.port}/services/rest/?method=flickr.people.findByUsername"
           "&username=demo&api_key=test-key&format=json&nojsoncallback=1")
    for _ in range(cfg.runs):
        e.reset_stats()
        start = h.now()
        h.run_parallel([lambda: urllib.request.urlopen(url, timeout=60).read()] * 64)
        raw["parallel64"].append(h.now() - start)
    raw["peak_concurrent"] = e.stats().get("peak_concurrent_delayed")
    e.close()
    cap = 20
    e = h.Emulator(cfg.emulator, photos=2, sets=1,
                   args=["--bandwidth-mbps", cap, "--image-kb", 1000])
    size = max((s for p in e.manifest().photos for s in p["sizes"]), key=lambda s: s["bytes"])
    for _ in range(cfg.runs):
        raw["bw_seconds"].append(h.run(["curl", "-sSf", "-o", "/dev/null", size["url"]])[2])
    raw["bw_bytes"] = size["bytes"]
    e.close()
    expected = size["bytes"] * 8 / (cap * 1e6)
    return [
        row("E", "emulator startup, 1M photos", h.median(raw["startup_1m"]),
            h.median(raw["startup_1"]), "s", "startup with 1 photo"),
        row("E", "emulator RSS, 1M photos", raw["rss_1m"], raw["rss_1"], "MB", "RSS, 1 photo"),
        row("E", "64 parallel requests (threads) at 200 ms latency", h.median(raw["parallel64"]),
            latency, "s", f"one latency; peak in server {raw['peak_concurrent']}"),
        row("E", f"1 MB image at --bandwidth-mbps {cap}", h.median(raw["bw_seconds"]), expected,
            "s", "bytes x 8 / cap"),
    ], raw


def _line_budget(cfg):
    """default call budget vs lifted: cp -r / rsync -a of a 300-photo page, first mirror of 800"""
    import bench_budget  # imports this module: loaded on first use
    return bench_budget.line_budget(cfg)


ALL = [("1", line1_cold_ls), ("2", line2_warm_tree), ("3", line3_reads), ("4", line4_copy),
       ("8", line8_mixed), ("P", line_prefetch), ("B", _line_budget), ("O", line_offline),
       ("U", line_upload), ("T", line_thumbnails), ("E", emulator_lines)]

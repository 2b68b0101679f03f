#!/usr/bin/env python3
"""Desktop test (ctest label `desktop`): a file manager shows a page of thumbnails without
downloading the originals (issue 19).

For Thunar (tumbler) and PCManFM (libfm), each under Xvfb with its own session bus and an
empty home: open a 300-photo page of ~300 KB originals on a real flickrfs mount of the
emulator, with the DEFAULT call budget, wait until the grid shows, and read the emulator's
/_emulator/stats. With thumbnails (the default) the original bytes served must be under 5 %
of the page's original bytes and a screenshot must show the pictures' thumbnails, not generic
icons; with --no-thumbnails, in the same run, the same check must fail (the file manager reads
originals to make its own), so the test can fail.

usage: thumbnails_desktop_test.py BUILD_DIR [--shot PNG]
Exit 0 pass, 1 fail, 77 skipped (Xvfb, a file manager, ImageMagick or FUSE missing).
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

LIMIT = 0.05
PHOTOS = 300
RUN_TIMEOUT = 45  # seconds a file manager gets to show its grid
CREDENTIALS = {
    "FLICKRFS_API_KEY": "test-key",
    "FLICKRFS_API_SECRET": "test-secret",
    "FLICKRFS_OAUTH_TOKEN": "test-token",
    "FLICKRFS_OAUTH_TOKEN_SECRET": "test-token-secret",
}


# GLib's g_file_get_uri() escaping (fs/thumbnail/freedesktop.hpp): bytes kept as they are.
_URI_SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$&'()*+,-./:=@_~")


def thumbnail_name(path):
    """The freedesktop thumbnail file name of an absolute path."""
    uri = "file://" + "".join(chr(c) if c in _URI_SAFE else "%%%02X" % c for c in path.encode())
    return hashlib.md5(uri.encode()).hexdigest() + ".png"


def log(msg):
    print(f"[desktop] {msg}", flush=True)


def skip(msg):
    print(f"SKIP: {msg}", flush=True)
    sys.exit(77)


def clean_env(home):
    """An environment with the default call budget (no FLICKRFS_* overrides) and `home`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FLICKRFS_", "DBUS_", "XDG_"))}
    env.update(CREDENTIALS)
    env.update(HOME=home, XDG_CACHE_HOME=f"{home}/.cache", XDG_CONFIG_HOME=f"{home}/.config",
               XDG_DATA_HOME=f"{home}/.local/share")
    return env


class Processes:
    """Everything this test starts, killed by PID (and their children) at the end."""

    def __init__(self):
        self.pids = []

    def start(self, args, **kw):
        proc = subprocess.Popen(args, **kw)
        self.pids.append(proc.pid)
        return proc

    @staticmethod
    def tree(pid):
        out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
        children = {}
        pairs = [tuple(map(int, l.split())) for l in out.strip().splitlines() if l.strip()]
        for child, parent in pairs:
            children.setdefault(parent, []).append(child)
        found, todo = [], [pid]
        while todo:
            p = todo.pop()
            found.append(p)
            todo.extend(children.get(p, []))
        return found

    def kill(self, pid):
        for p in reversed(self.tree(pid)):
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def kill_all(self):
        for pid in reversed(self.pids):
            self.kill(pid)
        time.sleep(0.3)


def http_json(url, data=None):
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


# Sizes up to 640 px: what the mount may fetch to make normal and large thumbnails. Bytes
# served under any other label are originals (or the largest size a photo without original
# access serves). The few photos whose own largest size is one of these (8 of 300 in this
# world, about 0.3 % of the page's bytes) are left out of what is counted as served.
RENDITIONS = {"Square", "Large Square", "Thumbnail", "Small", "Small 320", "Small 400", "Medium",
              "Medium 640"}


def page_originals(manifest):
    """Bytes of the files the page serves (each photo's largest size)."""
    return sum(max(photo["sizes"], key=lambda s: s["bytes"])["bytes"]
               for photo in manifest["photos"])


def colour_pixels(png, colour):
    """How many pixels of `png` have exactly `colour` ("r,g,b")."""
    out = subprocess.run(["convert", png, "-format", "%c", "histogram:info:-"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        count, _, rest = line.strip().partition(":")
        rgb = rest.strip().split(")")[0].lstrip("(").replace(" ", "")
        if rgb.split(",")[:3] == colour.split(","):
            return int(count)
    return 0


def dominant_colour(png):
    out = subprocess.run(["convert", png, "-format", "%c", "histogram:info:-"],
                         capture_output=True, text=True).stdout
    lines = [l for l in out.splitlines() if ":" in l and "(" in l]
    if not lines:
        return None
    best = max(lines, key=lambda l: int(l.split(":")[0]))
    return best.split("(")[1].split(")")[0].replace(" ", "")


class Desktop:
    def __init__(self, build, work, procs):
        self.build, self.work, self.procs = build, work, procs
        self.display = None

    def start_x(self):
        for n in range(91, 140):
            if os.path.exists(f"/tmp/.X{n}-lock") or os.path.exists(f"/tmp/.X11-unix/X{n}"):
                continue
            self.procs.start(["Xvfb", f":{n}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(50):
                if os.path.exists(f"/tmp/.X11-unix/X{n}"):
                    self.display = f":{n}"
                    return
                time.sleep(0.1)
        raise RuntimeError("Xvfb did not start")


class Mount:
    def __init__(self, build, procs, api_url, cache, home, mnt, extra):
        self.mnt = mnt
        os.makedirs(cache, mode=0o700, exist_ok=True)
        self.proc = procs.start([f"{build}/flickrfs", "mount", mnt, "-f", "--api-url", api_url,
                                 "--cache-dir", cache, *extra], env=clean_env(home),
                                stdout=subprocess.DEVNULL, stderr=open(f"{mnt}.log", "a"))
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                os.stat(f"{mnt}/photostream/page-0001")  # lookup waits for the listing
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("mount did not come up")

    def unmount(self):
        subprocess.run(["fusermount3", "-u", self.mnt], check=False)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_file_manager(fm, desktop, procs, page, home, until):
    """Starts `fm` on `page` in its own session, calls until(elapsed) every second until it
    returns true or RUN_TIMEOUT passes; returns the session's processes to kill."""
    env = clean_env(home)
    env["DISPLAY"] = desktop.display
    out = subprocess.run(["dbus-launch", "--sh-syntax"], env=env, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        if "=" in line:
            key, value = line.split(";")[0].split("=", 1)
            env[key] = value.strip("'")
    bus_pid = int(env["DBUS_SESSION_BUS_PID"])
    procs.pids.append(bus_pid)
    proc = procs.start([fm, page], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.time()
    resized = False
    while time.time() - start < RUN_TIMEOUT:
        time.sleep(1)
        if not resized:  # no window manager: make the window fill the screen
            wins = subprocess.run(["xdotool", "search", "--pid", str(proc.pid)], env=env,
                                  capture_output=True, text=True).stdout.split()
            for w in wins:
                subprocess.run(["xdotool", "windowsize", w, "1600", "1000"], env=env,
                               capture_output=True)
            resized = bool(wins)
        if until(time.time() - start):
            break
    return env, [proc.pid, bus_pid]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 1
    build = os.path.abspath(sys.argv[1])
    shot_out = sys.argv[sys.argv.index("--shot") + 1] if "--shot" in sys.argv else None
    for tool in ("Xvfb", "dbus-launch", "xdotool", "import", "convert", "fusermount3"):
        if shutil.which(tool) is None:
            skip(f"{tool} is not installed (scripts/install-deps installs the desktop test's tools)")
    fms = [fm for fm in ("thunar", "pcmanfm") if shutil.which(fm)]
    if not fms:
        skip("neither thunar nor pcmanfm is installed")
    if not os.access("/dev/fuse", os.R_OK | os.W_OK):
        skip("/dev/fuse is not usable here")

    work = tempfile.mkdtemp(prefix="flickrfs-desktop-")
    procs = Processes()
    failures = []
    try:
        emu = procs.start([f"{build}/flickr-emulator", "--port", "0", "--photos", str(PHOTOS),
                           "--sets", "1", "--image-kb", "300"], stdout=subprocess.PIPE, text=True)
        api_url = emu.stdout.readline().split()[-1]
        manifest = http_json(f"{api_url}/_emulator/manifest")
        page_bytes = page_originals(manifest)
        log(f"page: {PHOTOS} photos, {page_bytes} bytes of originals")
        desktop = Desktop(build, work, procs)
        desktop.start_x()

        # The page's listing, sizes and comments once (an `ls -l`: no image bytes), so each
        # run below starts from the same cache and the file managers do not wait a minute
        # for the default budget's comments.getList calls.
        warm = f"{work}/cache-warm"
        os.makedirs(f"{work}/mnt-warm")
        m = Mount(build, procs, api_url, warm, f"{work}/home-warm", f"{work}/mnt-warm",
                  ["--no-thumbnails"])
        page = f"{work}/mnt-warm/photostream/page-0001"
        for name in os.listdir(page):
            os.stat(f"{page}/{name}")
        m.unmount()

        results = {}
        for fm in fms:
            for mode in ("thumbnails", "no-thumbnails"):
                tag = f"{fm}-{mode}"
                cache, home, mnt = f"{work}/cache-{tag}", f"{work}/home-{tag}", f"{work}/mnt"
                shutil.copytree(warm, cache)
                os.makedirs(mnt, exist_ok=True)
                os.makedirs(home)
                m = Mount(build, procs, api_url, cache, home, mnt,
                          [] if mode == "thumbnails" else ["--no-thumbnails"])
                http_json(f"{api_url}/_emulator/reset-stats", data=b"")
                shot = f"{work}/{tag}.png"
                state = {"pixels": 0, "colour": None}

                def originals():
                    s = http_json(f"{api_url}/_emulator/stats")
                    by = s.get("image_bytes_by_label", {})
                    return sum(v for k, v in by.items() if k not in RENDITIONS)

                def grid_shows(elapsed):
                    # Thumbnails: the grid shows once the screenshot holds 20 thumbnails' worth
                    # of the pictures' colour. Baseline: once the file manager has read more
                    # than twice the limit of originals (or the timeout: then the check fails).
                    if mode == "no-thumbnails":
                        return originals() > 2 * LIMIT * page_bytes
                    thumbs = f"{home}/.cache/thumbnails/normal"
                    done = sorted(n for n in os.listdir(thumbs) if n.endswith(".png")
                                  and not n.startswith(".")) if os.path.isdir(thumbs) else []
                    if state["colour"] is None and done:
                        state["colour"] = dominant_colour(f"{thumbs}/{done[0]}")
                    if state["colour"] is None:
                        return False
                    subprocess.run(["import", "-window", "root", shot], env=env_x, check=False)
                    state["pixels"] = colour_pixels(shot, state["colour"])
                    return state["pixels"] >= 20 * 1000

                env_x = dict(os.environ, DISPLAY=desktop.display)
                started = time.time()
                env, session = run_file_manager(fm, desktop, procs, f"{mnt}/photostream/page-0001",
                                                home, grid_shows)
                shown = time.time() - started
                time.sleep(3)  # whatever the file manager still reads counts too
                subprocess.run(["import", "-window", "root", shot], env=env_x, check=False)
                served = originals()
                share = served / page_bytes
                results[tag] = share
                log(f"{tag}: originals served {served} bytes = {100 * share:.1f} % of the page "
                    f"after {shown:.0f} s" +
                    (f"; {state['pixels']} thumbnail-colour pixels on screen" if mode == "thumbnails" else ""))
                for pid in session:
                    procs.kill(pid)
                time.sleep(0.5)
                m.unmount()
                if mode == "thumbnails":
                    if share >= LIMIT:
                        failures.append(f"{fm}: originals served {100 * share:.1f} % >= 5 %")
                    if state["pixels"] < 20 * 1000:
                        failures.append(f"{fm}: the screenshot shows no thumbnail grid "
                                        f"({state['pixels']} pixels of the pictures' colour)")
                    if shot_out and fm == fms[0]:
                        shutil.copy(shot, shot_out)
                elif share <= LIMIT:
                    failures.append(f"{fm} --no-thumbnails: originals served {100 * share:.1f} % "
                                    "<= 5 %: the baseline no longer reads originals, so the "
                                    "check above proves nothing")
                shutil.rmtree(mnt + ".log", ignore_errors=True)
    finally:
        procs.kill_all()
        for d in os.listdir(work) if os.path.isdir(work) else []:
            if d.startswith("mnt"):
                subprocess.run(["fusermount3", "-u", "-z", f"{work}/{d}"], capture_output=True)
    if failures:
        for f in failures:
            print(f"FAIL: {f}", flush=True)
        log(f"kept {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    log("pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())

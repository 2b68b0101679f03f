# Shared process harness for scripts/bench and tests/reliability (Python 3, stdlib only).
#
# Starts flickr-emulator and `flickrfs mount -f` as child processes, runs commands with a
# timeout, reads the emulator's manifest and stats, and checks trees against the manifest.
# Every child is killed and every mount unmounted (fusermount3 -u, then -uz) by close() or
# at interpreter exit, even when a check fails.
#
# Thread contract: single-threaded use; run_parallel() starts its own threads and joins them.
import atexit
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request

SKIP = 77  # ctest SKIP_RETURN_CODE for mount tests without /dev/fuse or fusermount3
_LIVE = []  # objects with close(); cleaned at exit in reverse order


def _cleanup_all():
    for item in reversed(list(_LIVE)):
        try:
            item.close()
        except Exception:  # cleanup must go on for the others
            pass


atexit.register(_cleanup_all)
signal.signal(signal.SIGTERM, lambda *_: (_cleanup_all(), os._exit(143)))


def fuse_available():
    return os.path.exists("/dev/fuse") and shutil.which("fusermount3") is not None


def now():
    return time.monotonic()


def median(values):
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def run(argv, env=None, timeout=120, cwd=None, stdout=subprocess.PIPE):
    """Runs argv; returns (exit code, combined output, seconds). Exit -9 means timed out."""
    start = now()
    try:
        proc = subprocess.run(argv, env=env, cwd=cwd, stdout=stdout, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=timeout)
        out = proc.stdout.decode("utf-8", "replace") if proc.stdout else ""
        return proc.returncode, out, now() - start
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode("utf-8", "replace") if e.stdout else ""
        return -9, out + "\n(timed out)", now() - start


def rss_kb(pid, field="VmRSS"):
    """A /proc/PID/status memory field in KiB: VmRSS (all resident pages), RssAnon (private
    memory: heap, stacks) or RssFile (mapped files: the LMDB map)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def disk_bytes(path):
    """Allocated bytes of a file or tree (LMDB files are sparse)."""
    total = 0
    for root, _, files in os.walk(path) if os.path.isdir(path) else [("", [], [path])]:
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


class Emulator:
    """flickr-emulator child on 127.0.0.1 with a random port."""

    def __init__(self, binary, photos=200, sets=4, seed=1, args=()):
        self.argv = [binary, "--port", "0", "--photos", str(photos), "--sets", str(sets),
                     "--seed", str(seed)] + [str(a) for a in args]
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        _LIVE.append(self)
        start = now()
        line = self.proc.stdout.readline().decode()
        self.startup_seconds = now() - start
        m = re.search(r"listening on (https?://127\.0\.0\.1:(\d+))", line)
        if not m:
            self.close()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url, self.port = m.group(1), int(m.group(2))

    def get(self, path, timeout=120):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=timeout) as r:
            return r.read()

    def post(self, path, body=b""):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body,
                                     method="POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read()

    def stats(self):
        return json.loads(self.get("/_emulator/stats"))

    def reset_stats(self):
        self.post("/_emulator/reset-stats")

    def manifest(self):
        photos, sets, favorites, offset = [], None, [], 0
        while True:
            page = json.loads(self.get(f"/_emulator/manifest?offset={offset}&limit=500"))
            if sets is None:
                sets = page.get("sets", [])
                favorites = page.get("favorites", [])
            photos += page["photos"]
            if len(page["photos"]) < 500:
                return Manifest(photos, sets, favorites)
            offset += 500

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self in _LIVE:
            _LIVE.remove(self)


class Manifest:
    def __init__(self, photos, sets, favorites=()):
        self.photos = photos
        self.sets = sets
        # favorites.getList's: the ones their owners made private are not listed
        self.favorites = [f for f in favorites if f.get("listed", True)]
        self.by_id = {p["id"]: p for p in photos}

    def expected_sizes(self, photo):
        """The sizes a mount's main file may be: the video streams, else the original when
        allowed, else the largest photo size (same rule as tests/mount)."""
        videos = [s for s in photo["sizes"] if s["media"] == "video"]
        if photo["media"] == "video" and videos:
            return videos
        best = None
        for s in photo["sizes"]:
            if s["media"] != "photo":
                continue
            if s["label"] == "Original" and photo["original_allowed"]:
                return [s]
            if best is None or s["width"] * s["height"] >= best["width"] * best["height"]:
                best = s
        return [best] if best else []

    def total_best_bytes(self, favorites=False):
        """The main files' bytes: the photostream's, and with `favorites` favorites/' too."""
        photos = self.photos + (self.favorites if favorites else [])
        return sum(self.expected_sizes(p)[0]["bytes"] for p in photos if self.expected_sizes(p))


ID_RE = re.compile(r"_(\d+)\.[A-Za-z0-9]+$")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_tree(root, manifest):
    """Walks root/photostream: every image file must be byte-identical to a manifest size of
    its photo. Returns (good, bad, leftovers): bad lists 'path: reason', leftovers lists
    temporary/partial names."""
    good, bad, leftovers = 0, [], []
    for dirpath, _, files in os.walk(os.path.join(root, "photostream")):
        for name in files:
            path = os.path.join(dirpath, name)
            if "flickrfs-tmp" in name or name.endswith(".part"):
                leftovers.append(path)
                continue
            if name == ".hidden":
                continue
            if name.endswith(".json"):  # the photo's sidecar
                try:
                    json.load(open(path, encoding="utf-8"))
                except (OSError, ValueError) as e:
                    bad.append(f"{path}: sidecar unreadable: {e}")
                continue
            m = ID_RE.search(name)
            photo = manifest.by_id.get(m.group(1)) if m else None
            if photo is None:
                bad.append(f"{path}: no photo id in the manifest")
                continue
            digest = sha256_file(path)
            if any(s["sha256"] == digest for s in photo["sizes"]):
                good += 1
            else:
                bad.append(f"{path}: sha256 {digest[:12]} size {os.path.getsize(path)} "
                           f"matches no size of photo {photo['id']}")
    return good, bad, leftovers


# Benchmarks and tests run with Flickr's default call budget (3,600 calls per rolling hour),
# as users do; those that say they lift it add LIFT_BUDGET.
LIFT_BUDGET = {"FLICKRFS_API_CALLS_PER_HOUR": "0", "FLICKRFS_IMAGE_REQUESTS_PER_HOUR": "0"}


def flickrfs_env(url, work, extra=None):
    env = dict(os.environ)
    env.update({
        "FLICKRFS_API_URL": url,
        "FLICKRFS_CACHE_DIR": os.path.join(work, "cache"),
        "FLICKRFS_CONFIG": os.path.join(work, "config"),
        # Desktop thumbnails go into the work directory, not the runner's home.
        "XDG_CACHE_HOME": os.path.join(work, "xdg-cache"),
        "FLICKRFS_API_KEY": "test-key",
        "FLICKRFS_API_SECRET": "test-secret",
        "FLICKRFS_OAUTH_TOKEN": "test-token",
        "FLICKRFS_OAUTH_TOKEN_SECRET": "test-token-secret",
    })
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    if extra:
        env.update(extra)
    return env


def is_mounted(mountpoint):
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 4 and fields[4] == mountpoint and "fuse.flickrfs" in line:
                return True
    return False


class Mount:
    """`flickrfs mount MOUNTPOINT -f` as a child; waits until the kernel shows the mount."""

    def __init__(self, flickrfs, env, mountpoint, args=(), timeout=180, wrapper=()):
        os.makedirs(mountpoint, exist_ok=True)
        self.root = os.path.realpath(mountpoint)
        self.log = self.root + ".log"
        self.mounted = False
        argv = list(wrapper) + [flickrfs, "mount", self.root, "-f", "--log-file", self.log, "-v"] + list(args)
        start = now()
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=open(self.log + ".err",
                                                                            "ab"))
        _LIVE.append(self)
        while not is_mounted(self.root):
            if self.proc.poll() is not None:
                self.close()
                raise RuntimeError(f"flickrfs exited {self.proc.returncode} before mounting:\n"
                                   + self.read_logs())
            if now() - start > timeout:
                self.close()
                raise RuntimeError("flickrfs did not mount in time")
            time.sleep(0.02)
        self.mounted = True
        self.mount_seconds = now() - start

    def read_logs(self):
        out = ""
        for path in (self.log, self.log + ".err"):
            try:
                out += open(path, encoding="utf-8", errors="replace").read()
            except OSError:
                pass
        return out[-4000:]

    def kill(self):
        """SIGKILL the daemon (a crash); the stale mount is detached lazily."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        run(["fusermount3", "-uz", self.root], timeout=30)
        self.mounted = False

    def close(self):
        if self.mounted or is_mounted(self.root):
            if run(["fusermount3", "-u", self.root], timeout=30)[0] != 0:
                run(["fusermount3", "-uz", self.root], timeout=30)
            self.mounted = False
        if self.proc.poll() is None:
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self in _LIVE:
            _LIVE.remove(self)
        return self.proc.returncode


def photo_files(root, limit=None):
    """Image files of the mount in page order (no sidecars, no .hidden)."""
    out = []
    stream = os.path.join(root, "photostream")
    for page in sorted(os.listdir(stream)):
        for name in sorted(os.listdir(os.path.join(stream, page))):
            if name == ".hidden" or name.endswith(".json"):
                continue
            out.append(os.path.join(stream, page, name))
            if limit and len(out) >= limit:
                return out
    return out


def read_prefix(path, nbytes=None):
    with open(path, "rb") as f:
        return f.read(nbytes) if nbytes else f.read()


def run_parallel(functions):
    """Runs each callable in its own thread; returns their results (exceptions re-raised)."""
    results = [None] * len(functions)
    errors = []

    def call(i, fn):
        try:
            results[i] = fn()
        except Exception as e:  # reported to the caller below
            errors.append(e)

    threads = [threading.Thread(target=call, args=(i, f)) for i, f in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results

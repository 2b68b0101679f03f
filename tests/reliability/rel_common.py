# Shared setup for the reliability tests (ctest label `reliability`, Python 3 stdlib only).
# Finds the build directory (FLICKRFS_TEST_BUILD_DIR, else ROOT/build), imports
# scripts/lib/bench_harness.py, and collects failed checks so a test reports all of them.
# RELIABILITY_SOAK=1 (scripts/bench --soak) selects the long variants.
#
# Thread contract: single-threaded.
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import bench_harness as h  # noqa: E402,F401

BUILD = os.environ.get("FLICKRFS_TEST_BUILD_DIR", os.path.join(ROOT, "build"))
FLICKRFS = os.path.join(BUILD, "flickrfs")
EMULATOR = os.path.join(BUILD, "flickr-emulator")
SOAK = os.environ.get("RELIABILITY_SOAK") == "1"
SECRETS = ("test-secret", "test-token-secret")
_failures = []
_workdirs = []  # removed by finish() when every check passed; kept (with logs) otherwise


def workdir(tag):
    path = tempfile.mkdtemp(prefix=f"flickrfs-rel-{tag}-")
    os.chmod(path, 0o755)  # other users must reach the mountpoint for the security test
    _workdirs.append(path)
    return path


def check(condition, message):
    if not condition:
        _failures.append(message)
        print("FAIL: " + message, flush=True)
    return condition


def note(message):
    print(message, flush=True)


def require_fuse():
    if not h.fuse_available():
        print("SKIP: /dev/fuse or fusermount3 missing")
        sys.exit(h.SKIP)


def emulator(photos, sets=3, args=()):
    return h.Emulator(EMULATOR, photos=photos, sets=sets, args=list(args))


def mount(emu_url, work, args=(), env_extra=None, wrapper=()):
    env = h.flickrfs_env(emu_url, work, env_extra)
    return h.Mount(FLICKRFS, env, os.path.join(work, "mnt"), args=args, wrapper=wrapper)


def flickrfs(args, emu_url, work, env_extra=None, timeout=300):
    return h.run([FLICKRFS] + list(args), env=h.flickrfs_env(emu_url, work, env_extra),
                 timeout=timeout)


def finish():
    if _failures:
        print(f"{len(_failures)} check(s) failed; work directories kept: " + " ".join(_workdirs))
        sys.exit(1)
    h._cleanup_all()  # emulators and mounts first
    with open("/proc/self/mountinfo") as f:
        mountpoints = [line.split()[4] for line in f]
    for path in _workdirs:
        if not any(m.startswith(path + "/") for m in mountpoints):  # never into a live mount
            shutil.rmtree(path, ignore_errors=True)
    print("all checks passed")
    sys.exit(0)

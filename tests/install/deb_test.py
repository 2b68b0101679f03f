#!/usr/bin/env python3
# The Debian package: `cpack -G DEB` from the build makes a .deb whose Depends name fuse3 and
# the shared libraries the binary links (from dpkg-shlibdeps); its files are the ones
# `cmake --install` puts under /usr. Unpacked into a scratch root (dpkg-deb -x: no system
# change), the packaged binary prints --version and mounts the emulator.
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

BUILD = os.environ["FLICKRFS_TEST_BUILD_DIR"]
SKIP = 77
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message, flush=True)
    return condition


for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps"):
    if shutil.which(tool) is None:
        print(f"SKIP: {tool} is missing (packages cmake, dpkg, dpkg-dev)")
        sys.exit(SKIP)

work = tempfile.mkdtemp(prefix="flickrfs-deb-")
emulator = None
mounted = None
try:
    run = subprocess.run(["cpack", "-G", "DEB", "-B", work, "--config",
                          os.path.join(BUILD, "CPackConfig.cmake")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check(run.returncode == 0, f"cpack failed: {run.stdout[-800:]}")
    debs = glob.glob(os.path.join(work, "*.deb"))
    check(len(debs) == 1, f"one .deb: {debs}")
    deb = debs[0]
    depends = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], stdout=subprocess.PIPE,
                             text=True).stdout
    print("Depends: " + depends, end="")
    for package in ("fuse3", "libfuse3", "libcurl", "liblmdb", "libsystemd0"):
        check(package in depends, f"Depends names {package}")
    contents = subprocess.run(["dpkg-deb", "-c", deb], stdout=subprocess.PIPE, text=True).stdout
    for path in ("./usr/bin/flickrfs", "./usr/share/man/man1/flickrfs.1",
                 "./usr/share/bash-completion/completions/flickrfs",
                 "./usr/share/zsh/vendor-completions/_flickrfs",
                 "./usr/lib/systemd/user/flickrfs.service",
                 "./usr/share/doc/flickrfs/fstab.example"):
        check(path in contents, f"the package holds {path}")

    root = os.path.join(work, "root")
    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    binary = os.path.join(root, "usr", "bin", "flickrfs")
    version = subprocess.run([binary, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    print(version.stdout, end="")
    check(version.returncode == 0 and version.stdout.startswith("flickrfs "),
          "the packaged flickrfs prints its version")

    if not (os.path.exists("/dev/fuse") and shutil.which("fusermount3")):
        print("mount part skipped: /dev/fuse or fusermount3 missing")
    else:
        emulator = subprocess.Popen([os.path.join(BUILD, "flickr-emulator"), "--port", "0",
                                     "--photos", "12", "--sets", "1", "--image-kb", "2"],
                                    stdout=subprocess.PIPE, text=True)
        url = emulator.stdout.readline().split()[-1]
        mnt = os.path.join(work, "mnt")
        cache = os.path.join(work, "cache")
        os.makedirs(mnt)
        os.makedirs(cache, mode=0o700)
        env = {"PATH": "/usr/bin:/bin", "HOME": work, "XDG_CACHE_HOME": work,
               "FLICKRFS_API_KEY": "test-key", "FLICKRFS_API_SECRET": "test-secret",
               "FLICKRFS_OAUTH_TOKEN": "test-token",
               "FLICKRFS_OAUTH_TOKEN_SECRET": "test-token-secret",
               "FLICKRFS_CONFIG": os.path.join(work, "no-config")}
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"):
            if name in os.environ:
                env[name] = os.environ[name]
        run = subprocess.run([binary, mnt, "--api-url", url, "--cache-dir", cache,
                              "--no-thumbnails"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=120)
        if check(run.returncode == 0, f"the packaged flickrfs mounts: {run.stdout.strip()}"):
            mounted = mnt
            page = os.path.join(mnt, "photostream", "page-0001")
            names = os.listdir(page)
            check(len(names) == 2 * 12 + 1, f"page-0001 lists 12 photos: {len(names)} entries")
finally:
    if mounted:
        subprocess.run(["fusermount3", "-u", mounted])
        for _ in range(100):  # the daemon exits after the unmount
            with open("/proc/self/mountinfo") as f:
                if not any(line.split()[4] == mounted for line in f):
                    break
            time.sleep(0.1)
    if emulator:
        emulator.terminate()
        emulator.wait()
    if not failures:
        shutil.rmtree(work, ignore_errors=True)

if failures:
    print(f"{len(failures)} check(s) failed; work directory kept: {work}")
    sys.exit(1)
print("all checks passed")

#!/usr/bin/env python3
# fstab: `mount` (util-linux) -> mount.fuse3 -> flickrfs, with the options the README's fstab
# line shows (ro, allow_other, cache_dir=, config=) plus api_url= for the emulator, then
# `umount`. The credentials come from the 0600 config file, as after `flickrfs auth`; the
# environment holds no FLICKRFS_* variable. Needs root (mount(8) of a line not in fstab);
# skipped otherwise. mount.fuse3 finds the program by name for type fuse.flickrfs, so where
# flickrfs is not installed on its PATH the test uses type fuse with "PROGRAM#SOURCE", the
# same mount.fuse3 path with the program named in full.
import os
import shutil
import stat
import subprocess

from rel_common import EMULATOR, FLICKRFS, check, finish, h, note, require_fuse, workdir

require_fuse()
if os.geteuid() != 0 or shutil.which("mount.fuse3") is None:
    print("SKIP: needs root and mount.fuse3 (package fuse3) to mount like /etc/fstab does")
    raise SystemExit(h.SKIP)

emu = h.Emulator(EMULATOR, photos=30, sets=2, args=["--image-kb", "4"])
manifest = emu.manifest()
work = workdir("fstab")
mnt = os.path.join(work, "mnt")
cache = os.path.join(work, "cache")
config = os.path.join(work, "config")
os.makedirs(mnt)
os.makedirs(cache, mode=0o700)
with open(os.open(config, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
    f.write("api_key = test-key\napi_secret = test-secret\n"
            "oauth_token = test-token\noauth_token_secret = test-token-secret\n")
env = {k: v for k, v in os.environ.items() if not k.startswith("FLICKRFS_")}
# no_thumbnails: root has no desktop here, and the test must not write into its home.
options = f"ro,allow_other,no_thumbnails,cache_dir={cache},config={config},api_url={emu.url}"
installed = shutil.which("flickrfs", path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
if installed:
    argv = ["mount", "-t", "fuse.flickrfs", "12345678@N00", mnt, "-o", options]
else:
    argv = ["mount", "-t", "fuse", f"{FLICKRFS}#12345678@N00", mnt, "-o", options]
note("$ " + " ".join(argv))
result = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        text=True, timeout=120)
check(result.returncode == 0, f"mount exits 0: {result.stdout.strip()}")
try:
    check(h.is_mounted(mnt), "the kernel lists the mount as fuse.flickrfs")
    with open("/proc/self/mountinfo") as f:
        line = next((l for l in f if l.split()[4] == mnt), "")
    check(" ro," in line or line.split()[5].startswith("ro"), f"mounted read-only: {line.strip()}")
    check("allow_other" in line, f"allow_other reached the kernel: {line.strip()}")
    page = os.path.join(mnt, "photostream", "page-0001")
    names = os.listdir(page) if os.path.isdir(page) else []
    check(len(names) == 2 * 30 + 1, f"page-0001 lists 30 photos, sidecars, .hidden: {len(names)}")
    photo = manifest.photos[0]
    image = next((n for n in names if n.endswith(photo["id"] + os.path.splitext(n)[1])
                  and not n.endswith(".json")), None)
    if check(image is not None, "the first photo is listed"):
        data = open(os.path.join(page, image), "rb").read()
        check(len(data) == os.stat(os.path.join(page, image)).st_size, "st_size is what a read returns")
finally:
    result = subprocess.run(["umount", mnt], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=60)
    check(result.returncode == 0, f"umount exits 0: {result.stdout.strip()}")
check(not h.is_mounted(mnt), "unmounted")
check(stat.S_IMODE(os.stat(cache).st_mode) == 0o700, "the cache stays 0700")
emu.close()
finish()

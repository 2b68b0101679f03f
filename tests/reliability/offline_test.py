#!/usr/bin/env python3
# Offline: after a warm run the emulator is stopped. Cached files give the same bytes,
# uncached ones fail with EIO (the time is printed; scripts/bench line O measures it against
# the 1 s promise; here a 10 s timeout only proves nothing blocks), listings and stat still
# answer, and a fresh `--offline` mount of the same cache starts and serves the same bytes.
import errno
import os
import subprocess

from rel_common import check, emulator, finish, h, mount, note, require_fuse, workdir

require_fuse()
emu = emulator(40, args=["--image-kb", "16"])
manifest = emu.manifest()
url = emu.url
work = workdir("offline")
# Without prefetch, exactly the files read below are cached: walk-ahead prefetch would fetch
# the "cold" half too (it is tested in tests/mount/mount_prefetch_test.cpp).
m = mount(url, work, args=["--no-prefetch"])
files = h.photo_files(m.root)
warm = {f: h.read_prefix(f) for f in files[: len(files) // 2]}
cold = files[len(files) // 2:]
emu.close()  # network gone


def read_in_child(path):
    """Reads path in a child process so a blocking read cannot hang the test."""
    code = ("import sys, time\nt = time.monotonic()\ntry:\n open(sys.argv[1],'rb').read()\n"
            " r = 'OK'\nexcept OSError as e:\n r = 'ERRNO %d' % e.errno\n"
            "print(r); print(time.monotonic() - t)")
    try:
        out = subprocess.run(["python3", "-c", code, path], stdout=subprocess.PIPE, timeout=10,
                             text=True).stdout.strip().splitlines()
    except subprocess.TimeoutExpired:
        return "BLOCKED"
    if len(out) == 2:
        error_seconds.append(float(out[1]))  # reported, not asserted: scripts/bench line O
    return out[0] if out else "NO OUTPUT"


error_seconds = []


def check_mount(m, label):
    for path, data in warm.items():
        rel = os.path.relpath(path, m_root_of_warm)
        got = h.read_prefix(os.path.join(m.root, rel))
        check(got == data, f"{label}: cached {rel} changed offline")
    for path in cold[:5]:
        rel = os.path.relpath(path, m_root_of_warm)
        res = read_in_child(os.path.join(m.root, rel))
        check(res == f"ERRNO {errno.EIO}", f"{label}: uncached {rel} gave {res}, want EIO")
    for cmd in (["ls", "-lR", m.root], ["find", m.root], ["stat", m.root + "/photostream"]):
        rc, out, secs = h.run(cmd, timeout=20)
        check(rc != -9, f"{label}: {' '.join(cmd[:2])} blocked offline")


m_root_of_warm = m.root
check_mount(m, "network stopped")
m.close()
note("network stopped: cached bytes same, uncached EIO, no command blocked; slowest failed "
     f"read {max(error_seconds, default=0):.3f} s (DESIGN: within 1 s; measured by scripts/bench)")
m = mount(url, work, args=["--offline"])
check(h.is_mounted(m.root), "--offline mount did not start without the network")
check_mount(m, "--offline")
good = sum(1 for p in warm if any(s["sha256"] == h.hashlib.sha256(warm[p]).hexdigest()
                                  for s in manifest.by_id[h.ID_RE.search(p).group(1)]["sizes"]))
check(good == len(warm), f"warm bytes match the manifest for {good}/{len(warm)}")
m.close()
note("--offline mount started with the emulator gone and served the cache")
finish()

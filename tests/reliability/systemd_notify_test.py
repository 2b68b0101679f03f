#!/usr/bin/env python3
# systemd_notify: the unit in contrib/systemd is Type=notify, so `flickrfs mount -f` must tell
# $NOTIFY_SOCKET "READY=1" only once the mount point answers, "STOPPING=1" when SIGTERM starts
# the unmount, and, when startup fails, a STATUS= line with the reason and no READY=1. The
# test is the service manager: it binds the datagram socket systemd would pass, checks that
# each datagram comes from the mount's own pid (systemd's NotifyAccess=main rejects others)
# and what the mount answers at the moment READY=1 arrives. Default call budget.
import os
import signal
import socket
import struct
import subprocess
import time

from rel_common import FLICKRFS, check, emulator, finish, h, note, require_fuse, workdir

require_fuse()
emu = emulator(photos=20, sets=1, args=["--image-kb", "4"])
work = workdir("notify")
mnt = os.path.join(work, "mnt")
os.makedirs(mnt)
os.makedirs(os.path.join(work, "cache"), mode=0o700)
env = h.flickrfs_env(emu.url, work)


def service_socket(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    return sock


def receive(sock, timeout):
    """One datagram as (assignments dict, sender pid), or (None, None) after `timeout` s."""
    sock.settimeout(timeout)
    try:
        data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(12))
    except socket.timeout:
        return None, None
    pid = None
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", payload[:12])[0]
    fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
    return fields, pid


def start(path, cache_dir):
    run_env = dict(env, NOTIFY_SOCKET=path, FLICKRFS_CACHE_DIR=cache_dir)
    return subprocess.Popen([FLICKRFS, "mount", mnt, "-f"], env=run_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


# A good start: READY=1 once the tree answers, from the mount's pid.
path = os.path.join(work, "notify.sock")
sock = service_socket(path)
proc = start(path, os.path.join(work, "cache"))
ready, pid = receive(sock, timeout=120)
if check(ready is not None, "a datagram arrives while the mount starts"):
    check(ready.get("READY") == "1", f"the first datagram is READY=1: {ready}")
    check(pid == proc.pid, f"sent by the mount's own pid {proc.pid} (got {pid})")
    check(h.is_mounted(os.path.realpath(mnt)), "the kernel lists the mount when READY=1 arrives")
    names = os.listdir(mnt)
    check("photostream" in names, f"the mount answers at READY=1: {sorted(names)}")
    check(ready.get("STATUS", "").startswith("mounted at "), f"STATUS says where: {ready}")
    page = os.path.join(mnt, "photostream", "page-0001")
    check(len(os.listdir(page)) == 2 * 20 + 1, "page-0001 lists 20 photos, sidecars, .hidden")
proc.send_signal(signal.SIGTERM)
stopping, pid = receive(sock, timeout=60)
check(stopping is not None and stopping.get("STOPPING") == "1",
      f"SIGTERM sends STOPPING=1: {stopping}")
try:
    code = proc.wait(timeout=60)
except subprocess.TimeoutExpired:
    proc.kill()
    code = proc.wait()
check(code == 0, f"a stopped service exits 0 (got {code}): {proc.stderr.read().strip()}")
check(not h.is_mounted(os.path.realpath(mnt)), "SIGTERM unmounted")
sock.close()

# A failed start: a cache directory others can read is refused; systemd learns why, no READY.
path = os.path.join(work, "notify-fail.sock")
sock = service_socket(path)
loose_cache = os.path.join(work, "loose-cache")
os.makedirs(loose_cache)
os.chmod(loose_cache, 0o755)
proc = start(path, loose_cache)
code = proc.wait(timeout=60)
err = proc.stderr.read().strip()
check(code != 0, f"a refused cache exits non-zero (got {code})")
status, _ = receive(sock, timeout=5)
if check(status is not None, "a datagram tells why the start failed"):
    check("READY" not in status, f"no READY=1 for a failed start: {status}")
    check(status.get("STATUS", "") != "" and status["STATUS"] in err,
          f"STATUS is the error the terminal shows: {status} / {err}")
extra, _ = receive(sock, timeout=0.5)
check(extra is None, f"nothing more after the failure: {extra}")
note(f"failed start: exit {code}, STATUS={status.get('STATUS') if status else None!r}")
sock.close()
emu.close()
finish()

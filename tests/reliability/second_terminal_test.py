#!/usr/bin/env python3
# A second terminal works: the commands scripts/demo prints (`flickrfs status MOUNT`,
# `flickrfs mirror MOUNT DEST`) are run verbatim in a clean environment (no FLICKRFS_*
# variable, another HOME) while the demo's mount runs, and succeed: they find the mount's
# cache, config and API URL from the mount point (fs/runtime_record.hpp). So does
# `flickrfs cache pin MOUNT/sets/<album>`. The runtime record holds no secret and is 0600.
import os
import signal
import stat
import subprocess
import time

from rel_common import BUILD, ROOT, check, finish, note, require_fuse, workdir

require_fuse()
work = workdir("second-terminal")
run_dir = os.path.join(work, "run")
home = os.path.join(work, "home")
os.makedirs(run_dir, mode=0o700)
os.makedirs(home)
mnt = os.path.join(work, "mnt")
records_dir = os.path.join(run_dir, "flickrfs", "mounts")
clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
             "XDG_RUNTIME_DIR": run_dir}
for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"):
    if name in os.environ:  # sanitizer settings of the test build, not flickrfs settings
        clean_env[name] = os.environ[name]

demo = subprocess.Popen([os.path.join(ROOT, "scripts", "demo"), mnt, "--photos", "60",
                         "--build-dir", BUILD], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True, env=clean_env,
                        start_new_session=True)
printed = []
for line in demo.stdout:
    printed.append(line.rstrip("\n"))
    if "Press Ctrl-C" in line:
        break
note("\n".join(printed))
commands = [line.strip() for line in printed
            if "/flickrfs status " in line or "/flickrfs mirror " in line]
try:
    check(len(commands) == 2, f"the demo prints a status and a mirror command: {commands}")
    for command in commands:
        result = subprocess.run(["sh", "-c", command], env=clean_env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=300)
        note(f"$ {command}\n{result.stdout}")
        check(result.returncode == 0, f"`{command}` in a clean environment exits 0, not "
                                      f"{result.returncode}: {result.stdout.strip()[:300]}")
    backup = os.path.join(home, "flickr-demo-backup", "photostream", "page-0001")
    names = os.listdir(backup) if os.path.isdir(backup) else []
    check(len(names) == 2 * 60 + 1,
          f"the mirror wrote 60 photos, sidecars and .hidden: {len(names)} entries")

    albums = sorted(os.listdir(os.path.join(mnt, "sets")))
    pin = subprocess.run([os.path.join(BUILD, "flickrfs"), "cache", "pin",
                          os.path.join(mnt, "sets", albums[0])], env=clean_env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    check(pin.returncode == 0, f"cache pin in a clean environment: {pin.stdout.strip()[:300]}")

    records = os.listdir(records_dir) if os.path.isdir(records_dir) else []
    check(len(records) == 1, f"one runtime record: {records}")
    for name in records:
        path = os.path.join(records_dir, name)
        check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, "the runtime record is 0600")
        text = open(path).read()
        check("test-secret" not in text and "test-token" not in text,
              "the runtime record holds no credential")
        check(f"mountpoint={mnt}\n" in text, "the record names the mount point")
finally:
    os.killpg(demo.pid, signal.SIGINT)
    try:
        demo.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(demo.pid, signal.SIGKILL)
        demo.wait()
check(not os.path.ismount(mnt), "the demo unmounted on Ctrl-C")
# fusermount3 -u returns before the daemon has finished exiting.
deadline = time.monotonic() + 30
while os.path.isdir(records_dir) and os.listdir(records_dir) and time.monotonic() < deadline:
    time.sleep(0.1)
check(not os.path.isdir(records_dir) or not os.listdir(records_dir),
      "the daemon removed its runtime record when it exited")
finish()

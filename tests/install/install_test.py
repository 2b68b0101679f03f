#!/usr/bin/env python3
# `cmake --install BUILD --prefix P` into a temporary prefix installs the binary, the man page
# flickrfs(1), the bash completion, the systemd user unit and the fstab example; the
# installed binary runs from there and `--version` names flickrfs and the libraries it runs
# with (libfuse, libcurl, LMDB, simdjson); `systemd-analyze verify` accepts the unit.
import os
import re
import shutil
import subprocess
import sys
import tempfile

BUILD = os.environ["FLICKRFS_TEST_BUILD_DIR"]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message, flush=True)


prefix = tempfile.mkdtemp(prefix="flickrfs-install-")
try:
    run = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check(run.returncode == 0, f"cmake --install failed: {run.stdout[-500:]}")
    expected = ["bin/flickrfs", "share/man/man1/flickrfs.1",
                "share/bash-completion/completions/flickrfs", "share/zsh/vendor-completions/_flickrfs",
                "lib/systemd/user/flickrfs.service",
                "share/doc/flickrfs/fstab.example"]
    for rel in expected:
        check(os.path.isfile(os.path.join(prefix, rel)), f"{rel} not installed")
    installed = sorted(os.path.relpath(os.path.join(d, f), prefix)
                       for d, _, files in os.walk(prefix) for f in files)
    check(installed == sorted(expected), f"installed files: {installed}")
    binary = os.path.join(prefix, "bin", "flickrfs")
    version = subprocess.run([binary, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env={"PATH": "/usr/bin:/bin"})
    print(version.stdout, end="")
    check(version.returncode == 0, f"installed flickrfs --version exit {version.returncode}")
    for library in ("flickrfs", "libfuse", "libcurl", "LMDB", "simdjson"):
        check(re.search(rf"^{library} \d+\.\d+", version.stdout, re.M) is not None,
              f"--version does not name {library} with a version: {version.stdout!r}")
    unit = open(os.path.join(prefix, "lib/systemd/user/flickrfs.service")).read()
    check(f"ExecStart={binary} mount" in unit, "the unit does not start the installed binary")
    if shutil.which("systemd-analyze"):
        # MANPATH: the unit's Documentation=man:flickrfs(1) must resolve to the installed page.
        verify = subprocess.run(["systemd-analyze", "verify", os.path.join(
            prefix, "lib/systemd/user/flickrfs.service")], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
            env=dict(os.environ, MANPATH=os.path.join(prefix, "share/man")))
        check(verify.returncode == 0, f"systemd-analyze verify: {verify.stdout[-300:]}")
    else:
        print("systemd-analyze missing: the unit is not verified")
    man = subprocess.run(["man", "-l", os.path.join(prefix, "share/man/man1/flickrfs.1")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env=dict(os.environ, MANWIDTH="80"))
    if shutil.which("man"):
        check(man.returncode == 0 and "flickrfs" in man.stdout, f"man -l failed: {man.stdout[:200]}")
    completion = subprocess.run(
        ["bash", "-c", f"source {prefix}/share/bash-completion/completions/flickrfs; "
                       "COMP_WORDS=(flickrfs mirror --dr); COMP_CWORD=2; _flickrfs; "
                       "echo ${COMPREPLY[@]}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    check(completion.stdout.strip() == "--dry-run", f"completion of --dr: {completion.stdout!r}")
finally:
    shutil.rmtree(prefix, ignore_errors=True)
print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
sys.exit(1 if failures else 0)

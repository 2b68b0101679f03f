#!/usr/bin/env python3
# Security: the config file is created 0600 and the cache directory 0700 by the creating
# system call itself (strace shows the mode; no chmod afterwards); no secret appears in any
# output or log at -v; TLS to an emulator with a self-signed certificate is refused without
# --ca-file and works with it; a mount is not visible to another user without -o allow_other.
# Modes and exit codes: a cache directory open to others exits 1 (not 2) saying chmod 700; a
# config file holding secrets that others can read is refused (exit 1, names the file and
# chmod 600, like ssh); --log-file is created 0600.
import os
import re
import shutil
import subprocess
import urllib.request

from rel_common import FLICKRFS, SECRETS, check, emulator, finish, flickrfs, h, mount, note, \
    require_fuse, workdir

emu = emulator(30, args=["--image-kb", "4"])
work = workdir("security")
trace = os.path.join(work, "trace.txt")
config = os.path.join(work, "conf", "flickrfs", "config")
cache = os.path.join(work, "newcache")
all_output = []

# --- flickrfs auth under strace: how the config and the cache are created -------------------
# LeakSanitizer cannot run under ptrace; strace runs go without leak checking.
no_lsan = {"ASAN_OPTIONS": "detect_leaks=0"}
env = h.flickrfs_env(emu.url, work, dict(no_lsan, FLICKRFS_CONFIG=config,
                                         FLICKRFS_OAUTH_TOKEN="", FLICKRFS_OAUTH_TOKEN_SECRET=""))
have_strace = shutil.which("strace") is not None
argv = ([ "strace", "-f", "-o", trace, "-e", "trace=openat,mkdir,mkdirat,chmod,fchmod,fchmodat"]
        if have_strace else []) + [FLICKRFS, "auth", "-v"]
auth = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True, bufsize=0)
seen = ""
while "verification code" not in seen:  # the prompt has no newline: read what is there
    chunk = os.read(auth.stdout.fileno(), 4096).decode("utf-8", "replace")
    if not chunk:
        break
    seen += chunk
m = re.search(re.escape(emu.url) + r"/services/oauth/authorize\?\S+", seen)
check(m is not None, f"flickrfs auth printed no authorize URL: {seen[-300:]}")
if m:
    page = urllib.request.urlopen(m.group(0)).read().decode()
    verifier = re.search(r'<span id="verifier">([^<]+)<', page).group(1)
    rest, _ = auth.communicate(verifier + "\n", timeout=60)
    seen += rest
check(auth.wait() == 0, f"flickrfs auth failed: {seen[-300:]}")
all_output.append(seen)
check(os.path.exists(config) and (os.stat(config).st_mode & 0o777) == 0o600,
      "config is not 0600")
if have_strace:
    text = open(trace).read()
    creates = [l for l in text.splitlines() if config in l and "O_CREAT" in l]
    check(creates and all(l.rstrip().split(", ")[-1].split(")")[0] == "0600"
                          or "0600)" in l for l in creates),
          f"config not created with mode 0600: {creates[:2]}")
    check(not [l for l in text.splitlines() if "chmod" in l and config in l],
          "config mode set by chmod after creation")
else:
    note("strace missing: creation modes checked by the final mode only")

rc, out, _ = h.run([FLICKRFS, "mirror", "flickr:", os.path.join(work, "dest"), "--no-progress",
                    "-v"], env=env)
all_output.append(out)
check(rc == 0, f"mirror exit {rc}: {out[-300:]}")

# --- modes: the user's mistakes are configuration errors (exit 1) with the fix in one line ----
open_cache = os.path.join(work, "opencache")
os.makedirs(open_cache)
os.chmod(open_cache, 0o755)
os.makedirs(os.path.join(work, "mnt2"))
rc, out, _ = flickrfs(["mount", os.path.join(work, "mnt2")], emu.url, work,
                      {"FLICKRFS_CACHE_DIR": open_cache}, timeout=120)
if h.is_mounted(os.path.realpath(os.path.join(work, "mnt2"))):
    h.run(["fusermount3", "-u", os.path.join(work, "mnt2")])
all_output.append(out)
lines = out.strip().splitlines()
check(rc == 1 and len(lines) == 1 and f"chmod 700 {open_cache}" in out,
      f"cache dir 0755: exit {rc} (want 1, one line with chmod 700): {out[-300:]}")
open_config = os.path.join(work, "openconfig")
shutil.copy(config, open_config)
os.chmod(open_config, 0o644)
rc, out, _ = flickrfs(["call", "flickr.test.login"], emu.url, work,
                      {"FLICKRFS_CONFIG": open_config})
all_output.append(out)
lines = out.strip().splitlines()
check(rc == 1 and len(lines) == 1 and open_config in out and f"chmod 600 {open_config}" in out,
      f"config 0644 with secrets: exit {rc} (want 1, one line naming it): {out[-300:]}")
note("cache dir 0755 and config 0644: exit 1 with the chmod to run")

# --- TLS -----------------------------------------------------------------------------------
cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
rc, out, _ = h.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"])
check(rc == 0, f"openssl req failed: {out[-200:]}")
tls = emulator(10, sets=1, args=["--tls-cert", cert, "--tls-key", key])
check(tls.url.startswith("https://"), f"TLS emulator url {tls.url}")
rc, out, _ = flickrfs(["call", "flickr.test.login", "-v"], tls.url, work)
all_output.append(out)
check(rc != 0, "a self-signed certificate was accepted without --ca-file")
check(len(out.strip().splitlines()) >= 1 and ("certif" in out.lower() or "ssl" in out.lower()
                                               or "tls" in out.lower()),
      f"refusal does not say why: {out[-200:]}")
rc, out, _ = flickrfs(["call", "flickr.test.login", "--ca-file", cert, "-v"], tls.url, work)
all_output.append(out)
check(rc == 0 and '"stat":"ok"' in out.replace(" ", ""), f"with --ca-file: exit {rc}: {out[-200:]}")
tls.close()

# --- the mount: other users, and the log at -v -v ---------------------------------------------
if h.fuse_available():
    mwork = workdir("security-mount")
    # The cache directory is created by the mount, here under strace to see the mode.
    wrapper = ["strace", "-f", "-o", trace, "-e", "trace=mkdir,mkdirat,chmod,fchmodat"] \
        if have_strace else []
    m = mount(emu.url, mwork, args=["-v"], wrapper=wrapper,
              env_extra=dict(no_lsan, FLICKRFS_CACHE_DIR=cache))
    h.photo_files(m.root)  # some traffic for the log
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    rc, out, _ = h.run(as_nobody + ["stat", mwork])
    check(rc == 0, f"user nobody cannot reach the parent directory, test is void: {out}")
    rc, out, _ = h.run(as_nobody + ["stat", m.root])
    check(rc != 0 and "Permission denied" in out, f"nobody can stat the mount: {rc} {out}")
    rc, out, _ = h.run(["stat", m.root])
    check(rc == 0, f"the owner cannot stat the mount: {out}")
    m.close()
    check((os.stat(m.log).st_mode & 0o777) == 0o600,
          f"--log-file created with mode {oct(os.stat(m.log).st_mode & 0o777)}, want 0600")
    check(os.path.isdir(cache) and (os.stat(cache).st_mode & 0o777) == 0o700,
          f"cache dir mode {oct(os.stat(cache).st_mode) if os.path.isdir(cache) else None}")
    if have_strace:
        made = [l for l in open(trace).read().splitlines() if f'"{cache}"' in l and "mkdir" in l]
        check(made and all("0700" in l for l in made), f"cache not created 0700: {made[:2]}")
        check(not [l for l in open(trace).read().splitlines()
                   if "chmod" in l and f'"{cache}"' in l], "cache mode set by chmod later")
    all_output.append(m.read_logs())
    for path in os.listdir(mwork):
        if path.endswith(".log") or path.endswith(".err"):
            all_output.append(open(os.path.join(mwork, path), errors="replace").read())
else:
    note("no /dev/fuse: mount visibility not checked")
emu.close()

# --- no secret anywhere -------------------------------------------------------------------------
for text in all_output:
    for secret in SECRETS:
        for line in text.splitlines():
            check(secret not in line, f"secret {secret[:4]}… in output line: {line[:120]}")
note(f"checked {sum(len(t.splitlines()) for t in all_output)} output lines for secrets")
finish()

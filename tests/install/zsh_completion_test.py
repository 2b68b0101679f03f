#!/usr/bin/env python3
# The zsh completion (contrib/zsh-completion/_flickrfs) completes as a user sees it: each
# case types a partial command line into an interactive zsh on a pseudo-terminal, presses
# Tab, and checks the line the terminal then shows. Skipped without zsh.
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FPATH = os.path.join(ROOT, "contrib", "zsh-completion")
DRIVER = os.path.join(ROOT, "tests", "install", "zsh_complete.zsh")
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

if shutil.which("zsh") is None:
    print("SKIP: zsh is missing (package zsh); the zsh completion is not checked")
    sys.exit(77)

syntax = subprocess.run(["zsh", "-n", os.path.join(FPATH, "_flickrfs")],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
if syntax.returncode != 0:
    print(f"FAIL: zsh -n _flickrfs: {syntax.stdout}")
    sys.exit(1)


def shown_line(screen):
    """The last command line on the terminal, with escapes, bells and backspaces applied."""
    text = ESCAPE.sub("", screen).replace("\a", "").replace("\r", "")
    lines, line = [], []
    for ch in text + "\n":
        if ch == "\b":
            line = line[:-1]
        elif ch == "\n":
            lines.append("".join(line))
            line = []
        else:
            line.append(ch)
    shown = next((l for l in reversed(lines) if "flickrfs " in l), "")
    return shown[shown.rfind("flickrfs "):].rstrip()


CASES = [
    ("flickrfs st", "flickrfs status"),
    ("flickrfs mirror --dr", "flickrfs mirror --dry-run"),
    ("flickrfs mirror SRC DEST --only im", "flickrfs mirror SRC DEST --only images"),
    ("flickrfs mount /tmp --no-t", "flickrfs mount /tmp --no-thumbnails"),
    ("flickrfs /tmp --no-pre", "flickrfs /tmp --no-prefetch"),  # the implicit mount
    ("flickrfs cache ve", "flickrfs cache verify"),
    ("flickrfs auth --perms=wr", "flickrfs auth --perms=write"),
    ("flickrfs upload --pri", "flickrfs upload --private"),
]
failures = 0
for typed, expected in CASES:
    run = subprocess.run(["zsh", "-f", DRIVER, FPATH, typed], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace", timeout=60)
    got = shown_line(run.stdout)
    if got != expected:
        failures += 1
        print(f"FAIL: {typed!r} + Tab shows {got!r}, expected {expected!r}")
    else:
        print(f"ok: {typed!r} + Tab -> {got!r}")
print(f"{failures} case(s) failed" if failures else "all cases passed")
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
# The man page (docs/flickrfs.1.scd) and the bash and zsh completions name exactly the long
# options that `flickrfs --help`, `flickrfs mount --help`, `flickrfs mirror --help` and
# `flickrfs cache --help` print: an option added to one and not the others fails here. Every
# command answers `--help` with exit 0 and its usage.
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ["FLICKRFS_TEST_BUILD_DIR"]
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*[a-z])")

help_options = set()
COMMANDS = ["mount", "auth", "mirror", "cache", "status", "call", "upload", "replace"]
failed = False
for command in COMMANDS:
    out = subprocess.run([os.path.join(BUILD, "flickrfs"), command, "--help"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if out.returncode != 0 or "flickrfs" not in out.stdout or command not in out.stdout:
        failed = True
        print(f"FAIL: flickrfs {command} --help exit {out.returncode}: {out.stdout.strip()}")

for command in ([], ["mount"], ["mirror"], ["cache"]):
    out = subprocess.run([os.path.join(BUILD, "flickrfs")] + command + ["--help"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if out.returncode != 0:
        print(f"FAIL: flickrfs {' '.join(command)} --help exit {out.returncode}: {out.stdout}")
        sys.exit(1)
    help_options |= set(OPTION.findall(out.stdout))

man = set(OPTION.findall(open(os.path.join(ROOT, "docs", "flickrfs.1.scd")).read()))
bash = set(OPTION.findall(
    open(os.path.join(ROOT, "contrib", "bash-completion", "flickrfs")).read()))
zsh = set(OPTION.findall(
    open(os.path.join(ROOT, "contrib", "zsh-completion", "_flickrfs")).read()))
for name, found in (("man page", man), ("bash completion", bash), ("zsh completion", zsh)):
    missing = sorted(help_options - found)
    extra = sorted(found - help_options)
    if missing or extra:
        failed = True
        print(f"FAIL: {name}: missing {missing}, not in --help {extra}")
print(f"{len(help_options)} options in --help, man page and both completions")
sys.exit(1 if failed else 0)

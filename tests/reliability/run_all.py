#!/usr/bin/env python3
# Runs every reliability test in turn (what `scripts/bench --soak` calls with
# RELIABILITY_SOAK=1); exit 0 only when all pass or skip.
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
failed = []
for name in ("faults", "crash", "offline", "outage", "ratelimit", "hostile", "security"):
    print(f"== reliability: {name}", flush=True)
    rc = subprocess.run([sys.executable, os.path.join(HERE, f"{name}_test.py")]).returncode
    if rc not in (0, 77):
        failed.append(name)
print("failed: " + ", ".join(failed) if failed else "reliability: all passed")
sys.exit(1 if failed else 0)

"""Run one benchmark step in a child process and measure it there.

A child per step makes the peak memory that step's own (the child's max RSS) and keeps one
step's caches from helping the next.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def measure_child(argv: list[str]) -> dict:
    """Run `python <argv>`; its last stdout line (JSON) plus wall s, CPU s and peak MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, *argv], check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(out.strip().splitlines()[-1]) | {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_mb": round(after.ru_maxrss / 1024),
    }

"""Run one benchmark step in a child process and measure it there.

A child per step makes the peak memory that step's own (the largest max RSS among the child and
its own children) and keeps one step's caches from helping the next.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path


def measure_child(
    argv: list[str],
    *,
    env: Mapping[str, str] | None = None,
    python: str | Path | None = None,
) -> dict:
    """Run `python <argv>`; its last stdout line (JSON) plus wall s, CPU s and peak MB.

    `env` is added to this process's environment; `python` is another interpreter (dlt's
    throwaway venv). CPU time counts the child and everything it waited for (dbt, Dagster).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(
        [str(python or sys.executable), *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"benchmark step {argv} failed ({completed.returncode}):\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    measured = {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        # RUSAGE_CHILDREN's max RSS is the largest of any child waited for so far: a step that
        # reports its own `peak_mb` (see own_peak_mb) overrides this fallback.
        "peak_mb": round(after.ru_maxrss / 1024),
    }
    return measured | json.loads(completed.stdout.strip().splitlines()[-1])


def own_peak_mb() -> int:
    """Peak MB of this process or of any child it waited for (dbt, DuckDB), for a step's JSON."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024)

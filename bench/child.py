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
import threading
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path


def failure_reason(exc: BaseException, limit: int = 400) -> str:
    """A failed step's reason in one line: the last non-empty line of its message, else its type.

    A child's failure message ends with the error it raised (`measure_child` keeps its stderr's
    last lines); an exception with no message at all is named by its repr.
    """
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return (lines[-1] if lines else repr(exc))[:limit]


def measure_child(
    argv: list[str],
    *,
    env: Mapping[str, str] | None = None,
    python: str | Path | None = None,
    tree_memory: bool = False,
) -> dict:
    """Run `python <argv>`; its last stdout line (JSON) plus wall s, CPU s and peak MB.

    `env` is added to this process's environment; `python` is another interpreter (dlt's
    throwaway venv). CPU time counts the child and everything it waited for (dbt, Dagster).
    With `tree_memory`, also `tree_peak_mb`: the largest sum of the resident memory of the
    child and all its descendants at once, sampled every `TREE_SAMPLE_SECONDS`.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(python or sys.executable), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    sampler = TreeMemorySampler(process.pid) if tree_memory else None
    if sampler:
        sampler.start()
    stdout, stderr = process.communicate()
    if sampler:
        sampler.stop()
    completed = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
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
    if sampler:
        measured["tree_peak_mb"] = round(sampler.peak_bytes / 2**20)
    return measured | json.loads(completed.stdout.strip().splitlines()[-1])


TREE_SAMPLE_SECONDS = 0.25
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # the process ended while we looked
            continue
        children[int(fields[1])].append(int(stat.parent.name))
    return children


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_bytes(root: int) -> int:
    """Resident bytes of process `root` and all its descendants now (Linux /proc)."""
    children = _children_by_parent()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_bytes(pid)
        stack.extend(children.get(pid, []))
    return total


class TreeMemorySampler(threading.Thread):
    """Samples a process tree's resident memory until stopped; keeps the largest sum.

    Max RSS from `getrusage` is the largest single process; a refresh is Dagster plus dbt plus
    DuckDB at once, whose sum is what the machine must hold.
    """

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_bytes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Sample until `stop`."""
        while not self._stop_event.is_set():
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.root))
            self._stop_event.wait(TREE_SAMPLE_SECONDS)

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop_event.set()
        self.join()


def own_peak_mb() -> int:
    """Peak MB of this process or of any child it waited for (dbt, DuckDB), for a step's JSON."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024)

"""`dbt build` under several build memory limits: what spilling costs.

    python -m bench.memory_bench --customers 100000 --limits 4GB 1GB

On the harness's company of that size (generated once, `bench.harness`), the first `days`
extracts are landed and ingested once into `<company>/memory`; then, for each limit, the
warehouse is removed and `dbt build` (unit tests excluded, as a refresh builds) runs in a child
process with `C360_BUILD_MEMORY_LIMIT` set: wall, CPU, the process tree's peak memory, and the
spill folder's largest size while it ran (sampled every 0.25 s). One JSON line per limit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
from pathlib import Path

from bench.child import measure_child
from bench.days import extract_days, land_days
from bench.harness import UNIT_TESTS_EXCLUDED, BenchOptions, generate_once
from c360.settings import Settings


class SpillSampler(threading.Thread):
    """The largest total size and file count of a folder until stopped."""

    def __init__(self, folder: Path) -> None:
        super().__init__(daemon=True)
        self.folder, self.peak_bytes, self.files = folder, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        """Sample every 0.25 s until `done` is set."""
        while not self.done.is_set():
            try:
                sizes = [path.stat().st_size for path in self.folder.iterdir()]
            except OSError:  # not there (yet, or any more), or a file removed while listed
                sizes = []
            self.peak_bytes = max(self.peak_bytes, sum(sizes))
            self.files = max(self.files, len(sizes))
            self.done.wait(0.25)


def build_under(home: Path, limit: str) -> dict:
    """`dbt build` into an empty warehouse of `home` with the build's memory limit `limit`."""
    settings = Settings.from_env({"C360_HOME": str(home)})
    shutil.rmtree(settings.warehouse_dir, ignore_errors=True)
    payload = {
        "command": "build",
        "target_path": str(home / f"dbt-{limit}"),
        "flags": UNIT_TESTS_EXCLUDED,
    }
    env = _env(home) | {"C360_BUILD_MEMORY_LIMIT": limit}
    sampler = SpillSampler(settings.build_spill_dir)
    sampler.start()
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        argv = ["-m", "bench.stages", "dbt", json.dumps(payload)]
        measured = measure_child(argv, env=env, tree_memory=True)
    finally:
        sampler.done.set()
        sampler.join()
    return measured | {
        "limit": limit,
        "spill_peak_mb": round(sampler.peak_bytes / 2**20),
        "spill_files": sampler.files,
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str]) -> None:
    """Generate (once), land and ingest (once), then build under each limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--limits", nargs="+", default=["4GB", "1GB"])
    args = parser.parse_args(argv)
    options = BenchOptions(customers=[args.customers], days=args.days)
    root = options.data_dir / f"harness-c{args.customers}-d{args.days}-s{options.seed}"
    root.mkdir(parents=True, exist_ok=True)
    generate_once(options, args.customers, root)
    home = root / "memory"
    if not (home / "raw").exists():
        shutil.rmtree(home, ignore_errors=True)
        source = root / "source" / "landing"
        land_days(source, home / "landing", extract_days(source)[:-1])
        ingested = measure_child(["-m", "bench.stages", "ingest", "{}"], env=_env(home))
        _say({"ingest": ingested})
    for limit in args.limits:
        _say(build_under(home, limit))


def _env(home: Path) -> dict[str, str]:
    return {"C360_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}


def _say(figures: dict) -> None:
    sys.stdout.write(json.dumps(figures) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])

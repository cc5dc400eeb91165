"""PostgreSQL load time against the DuckDB publish time, on the company of C360_HOME.

`python -m bench.postgres_bench --runs 3`, after a refresh of the company and with
C360_POSTGRES_URL set (docs/benchmarks.md): each run publishes the built warehouse again (the
DuckDB publication, both files) and loads that version into PostgreSQL (load, then swap),
timing each, and prints one JSON line per run and the medians last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from c360.postgres_publish import load_current
from c360.publish import publish
from c360.settings import Settings


def run_once(settings: Settings) -> dict[str, float | int | str]:
    """One DuckDB publication and one PostgreSQL load of it, timed."""
    started = time.monotonic()
    publication = publish(settings)
    published = time.monotonic()
    loaded = load_current(settings)
    return {
        "version": publication.version,
        "duckdb_publish_s": round(published - started, 2),
        "postgres_total_s": round(time.monotonic() - published, 2),
        "postgres_load_s": loaded.load_seconds,
        "postgres_swap_s": loaded.swap_seconds,
        "rows": loaded.rows,
        "tables": loaded.tables,
    }


def main(argv: list[str] | None = None) -> None:
    """Time `--runs` publications and loads; the medians go last."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if not settings.postgres_url:
        raise SystemExit("set C360_POSTGRES_URL (c360 postgres start prints it)")
    runs = [run_once(settings) for _ in range(args.runs)]
    for run in runs:
        sys.stdout.write(json.dumps(run) + "\n")
    keys = ("duckdb_publish_s", "postgres_total_s", "postgres_load_s", "postgres_swap_s")
    medians = {f"median_{k}": statistics.median(r[k] for r in runs) for k in keys}
    sys.stdout.write(json.dumps(medians) + "\n")


if __name__ == "__main__":
    main()

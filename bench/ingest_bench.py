"""Ingestion benchmark: c360's loader against DuckDB's own readers on the same files, same run.

    .venv/bin/python bench/ingest_bench.py --customers 10000

Each measured step runs in its own process (peak memory is that process's max RSS). The
baseline loads every extract file into a DuckDB table with `read_csv` (auto-detected types),
`read_json` or `read_parquet`: no validation, no quarantine, no audit columns. The ERP's
Windows-1252 files are handed to DuckDB as `latin-1`, the closest encoding it has built in; a
file it cannot read that way is counted as failed, not retried.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from child_process import measure_child

from bench.scratch import scratch_dir

BENCH_DIR = Path(__file__).parent
RESULTS = BENCH_DIR / "results" / "ingest.json"


def _landing(customers: int, days: int) -> Path:
    """Generate the company once per size (defects none) under bench/.data and reuse it."""
    root = scratch_dir() / f"c{customers}-d{days}"
    if not (root / "landing").exists():
        from ingestion.generator import generate_company

        generate_company(
            root / "landing", root / "truth", customers=customers, days=days, defects="none"
        )
    return root / "landing"


def run_c360(landing: str, raw: str) -> dict:
    """c360 ingestion of every source into an empty raw area."""
    from ingestion.contracts import load_contracts
    from ingestion.load import ingest_source

    rows = files = 0
    for contract in load_contracts().values():
        for result in ingest_source(contract, Path(landing), Path(raw)):
            rows += result.rows_read
            files += 1
    return {"rows": rows, "files": files, "failed_files": 0}


def run_duckdb(landing: str, raw: str) -> dict:
    """DuckDB readers into tables of one database file (the harness's baseline, bench)."""
    from bench.stages import duckdb_read

    return duckdb_read({"landing": landing, "db": str(Path(raw) / "baseline.duckdb")})


def _measure(step: str, landing: Path) -> dict:
    """Run one step in a child process; wall time, CPU time and peak memory of that child."""
    with tempfile.TemporaryDirectory() as raw:
        result = measure_child([__file__, "--step", step, str(landing), raw])
    return result | {"rows_per_s": round(result["rows"] / result["wall_s"])}


def main() -> None:
    """Measure both loaders at each size; write the JSON results and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--step", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step, landing, raw = args.step
        sys.stdout.write(json.dumps({"c360": run_c360, "duckdb": run_duckdb}[step](landing, raw)))
        return
    runs = []
    for customers in args.customers:
        landing = _landing(customers, args.days)
        baseline = _measure("duckdb", landing)
        ours = _measure("c360", landing)
        runs.append(
            {
                "customers": customers,
                "days": args.days,
                "duckdb_read": baseline,
                "c360_ingestion": ours,
                "rate_vs_duckdb": round(ours["rows_per_s"] / baseline["rows_per_s"], 2),
            }
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "runs": runs}
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n")
    lines = [
        "| customers | loader | files | rows | wall s | CPU s | peak MB | rows/s | vs DuckDB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        for name, key in (("DuckDB read_*", "duckdb_read"), ("c360 ingestion", "c360_ingestion")):
            m = run[key]
            ratio = run["rate_vs_duckdb"] if key == "c360_ingestion" else 1.0
            lines.append(
                f"| {run['customers']:,} | {name} | {m['files']} | {m['rows']:,} | {m['wall_s']} "
                f"| {m['cpu_s']} | {m['peak_mb']:,} | {m['rows_per_s']:,} | {ratio:.2f} |"
            )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

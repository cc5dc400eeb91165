"""Online Retail II (525,461 real invoice lines) through c360, against DuckDB reading the file.

    .venv/bin/python bench/online_retail_bench.py [--runs 3]

Three steps, each in its own process (peak memory is that process's max RSS), alternated run by
run so a drift of the machine's speed hits all three alike:
- `duckdb`: DuckDB's `read_parquet` of the file into a table (no validation, no mapping);
- `ingest`: c360's ingestion through the `invoice_lines` preset (read, type, check, map,
  quarantine, write the raw Parquet and the load log) into an empty raw area;
- `refresh`: a whole `c360 refresh` of a new home holding only that file (ingestion, the dbt
  build with its tests, the Python models, publishing).
The ratios are c360's wall time over DuckDB's, per run, and their median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from child_process import measure_child

BENCH_DIR = Path(__file__).parent
REPO = BENCH_DIR.parent
FILE = REPO / "tests" / "data" / "real" / "online-retail-ii-2009-2010" / "online_retail_II.parquet"
RESULTS = BENCH_DIR / "results" / "online_retail.json"
DAY = "2010-12-10"


def _home(root: Path) -> Path:
    """A c360 home whose ERP delivery is the file, read by the `invoice_lines` preset."""
    delivery = root / "landing" / "erp" / DAY
    delivery.mkdir(parents=True)
    shutil.copy(FILE, delivery / FILE.name)
    (delivery / "_SUCCESS").touch()
    (root / "sources.yml").write_text("sources:\n  erp:\n    preset: invoice_lines\n")
    return root


def run_duckdb(home: str) -> dict:
    """DuckDB's own reader: the file into a table of a new database file."""
    import duckdb

    from c360.sql_text import sql_literal

    con = duckdb.connect(str(Path(home) / "baseline.duckdb"))
    con.execute(f"create table lines as select * from read_parquet({sql_literal(FILE)})")
    rows = con.execute("select count(*) from lines").fetchone()[0]
    return {"rows": rows}


def run_ingest(home: str) -> dict:
    """c360's ingestion of the delivery through the preset."""
    from ingestion.sources import ingest, load_sources

    root = Path(home)
    source = load_sources(root / "sources.yml")["erp"]
    loads = ingest(source, root / "landing", root / "raw")
    return {"rows": sum(load.rows_read for load in loads)}


def run_refresh(home: str) -> dict:
    """A whole refresh of the home, in this process (the Dagster job, as `c360 refresh`)."""
    os.environ["C360_HOME"] = home
    os.environ["C360_REPORTING_CURRENCY"] = "GBP"
    from c360.settings import Settings
    from dagster_project.run_refresh import run_refresh as refresh

    summary = refresh(Settings.from_env())
    if not summary.success:
        raise SystemExit(f"refresh failed: {summary.failures + summary.checks_failed}")
    return {"rows": summary.rows_loaded + summary.rows_quarantined}


STEPS = {"duckdb": run_duckdb, "ingest": run_ingest, "refresh": run_refresh}


def _measure(step: str) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        home = _home(Path(scratch) / "home")
        return measure_child([__file__, "--step", step, str(home)])


def main() -> None:
    """Alternate the three steps `--runs` times; write the JSON results, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step, home = args.step
        from bench.child import own_peak_mb

        sys.stdout.write("\n" + json.dumps(STEPS[step](home) | {"peak_mb": own_peak_mb()}))
        return
    runs = [{step: _measure(step) for step in STEPS} for _ in range(args.runs)]
    ratios = {
        step: statistics.median(r[step]["wall_s"] / r["duckdb"]["wall_s"] for r in runs)
        for step in ("ingest", "refresh")
    }
    payload = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "file": FILE.name,
        "runs": runs,
        "median_wall_ratio_vs_duckdb": {k: round(v, 1) for k, v in ratios.items()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n")
    lines = [
        "| step | rows | wall s (median) | CPU s (median) | peak MB (max) | wall vs DuckDB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for step in STEPS:
        walls = [r[step]["wall_s"] for r in runs]
        cpus = [r[step]["cpu_s"] for r in runs]
        peak = max(r[step]["peak_mb"] for r in runs)
        ratio = 1.0 if step == "duckdb" else ratios[step]
        lines.append(
            f"| {step} | {runs[0][step]['rows']:,} | {statistics.median(walls):.1f} "
            f"| {statistics.median(cpus):.1f} | {peak:,} | {ratio:.1f} |"
        )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

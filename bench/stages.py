"""What each benchmark child process runs: `python -m bench.stages <step> <json>`.

Every step prints one JSON line last (its figures, and its own peak memory, the child's and
its children's max RSS). Paths come from the JSON argument and `C360_HOME`, set by the harness.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from bench.child import own_peak_mb
from c360.settings import Settings
from c360.sql_text import sql_literal

IDENTITY_SELECTOR = "path:models/intermediate/identity"  # rules in SQL, the resolution once
CLV_SELECTOR = (
    "int_clv_fits int_customer_clv int_clv_holdout clv_fit_quality clv_holdout_calibration"
)


def generate(args: dict) -> dict:
    """The sample company, `days` daily extracts, typical defects (or `defects`)."""
    from ingestion.generator import generate_company

    summary = generate_company(
        Path(args["landing"]),
        Path(args["truth"]),
        customers=args["customers"],
        seed=args["seed"],
        start=dt.date.fromisoformat(args["start"]),
        days=args["days"],
        defects=args.get("defects", "typical"),
    )
    return {"files": summary.files_written}


def ingest(args: dict) -> dict:
    """c360 ingestion of every source (read, type, validate, quarantine, Parquet, load log).

    As the refresh ingests (`ingest_sources`): from 128 MB of new files, each source in a process
    of its own, `C360_INGEST_PROCESSES` at once.

    And the ECB reference rates the refresh writes beside them (a raw asset of its own), which
    the dbt build reads.
    """
    from ingestion.reference_rates import write_monthly_rates
    from ingestion.source_processes import ingest_sources
    from ingestion.sources import load_sources

    settings = Settings.from_env()
    sources = load_sources(settings.sources_file, settings.contracts_dir)
    outcomes = ingest_sources(
        list(sources.values()),
        settings.landing_dir,
        settings.raw_dir,
        processes=settings.ingest_processes,
    )
    rows = files = 0
    for outcome in outcomes.values():
        if isinstance(outcome, BaseException):
            raise outcome
        rows += sum(result.rows_read for result in outcome)
        files += len(outcome)
    write_monthly_rates(settings.raw_dir)
    return {"rows": rows, "files": files}


def duckdb_read(args: dict) -> dict:
    """DuckDB's own readers: every extract file into a table (no validation), into `db`."""
    import duckdb

    from c360.build_files import apply_build_settings

    con = duckdb.connect(args["db"])
    apply_build_settings(con, Settings.from_env())  # the memory the build's DuckDB has
    rows = files = failed = 0
    for index, path in enumerate(sorted(Path(args["landing"]).rglob("*.*"))):
        if path.name.startswith("_") or path.stat().st_size == 0:
            continue
        if path.suffix == ".csv":
            erp = path.parts[-3] == "erp"
            options = ", delim = ';', decimal_separator = ',', encoding = 'latin-1'" if erp else ""
            reader = f"read_csv({sql_literal(path)}{options})"
        elif path.suffix == ".jsonl":
            reader = f"read_json({sql_literal(path)}, format = 'newline_delimited')"
        else:
            reader = f"read_parquet({sql_literal(path)})"
        try:
            con.execute(f"create table t{index} as select * from {reader}")
            rows += con.execute(f"select count(*) from t{index}").fetchone()[0]
            files += 1
        except duckdb.Error:  # a Windows-1252 byte DuckDB's latin-1 rejects: counted, not retried
            failed += 1
    con.close()
    return {"rows": rows, "files": files, "failed_files": failed}


def dbt(args: dict) -> dict:
    """`dbt <command> [--select ...]` in this process; node timings from run_results.json.

    dbt logs as a refresh's does (`c360-dbt`'s lines, the file at info level), so the stage
    measures the dbt a refresh runs.
    """
    from dbt.cli.main import dbtRunner

    from dagster_project.dbt_launcher import build_only_kept_lines

    build_only_kept_lines()
    settings = Settings.from_env()
    settings.export_to_environ()
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    target = Path(args["target_path"]).resolve()  # dbt would read a relative one from dbt/
    argv = [
        args["command"],
        "--project-dir",
        str(settings.dbt_project_dir),
        "--profiles-dir",
        str(settings.dbt_project_dir),
        "--target-path",
        str(target),
        "--log-path",
        str(target / "logs"),
        "--log-level-file",
        "info",
        "--quiet",
    ]
    if args.get("select"):
        argv += ["--select", *args["select"].split()]
    if args.get("exclude"):
        argv += ["--exclude", *args["exclude"].split()]
    argv += args.get("flags", [])
    result = dbtRunner().invoke(argv)
    if not result.success:
        raise SystemExit(f"dbt {' '.join(argv)} failed: {result.exception}")
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {"nodes": len(results), "node_s": round(sum(r["execution_time"] for r in results), 2)}


def publish(args: dict) -> dict:
    """Copy the public schemas into a new serving version and switch `current`."""
    from c360.publish import publish as publish_version

    publication = publish_version(Settings.from_env())
    return {"tables": len(publication.row_counts)}


def refresh(args: dict) -> dict:
    """`c360 refresh`, end to end (Dagster job: ingestion, dbt build and tests, publishing).

    A failed refresh ends the step, unless `report_failure` (the soak run): then its reasons
    are the step's result. `force` builds even when nothing is new since the last build.
    """
    from dagster_project.run_refresh import run_refresh

    settings = Settings.from_env()
    summary = run_refresh(settings, force=bool(args.get("force")))
    if summary.up_to_date:  # nothing new since the last build: no Dagster run to measure
        return {"success": True, "up_to_date": True, "files_loaded": 0, "steps": {}}
    reasons = summary.failures + [
        f"check {c}: {summary.check_reasons.get(c, '')}" for c in summary.checks_failed
    ]
    if not summary.success and args.get("report_failure"):
        return {"success": False, "failures": reasons}
    if not summary.success:
        raise SystemExit(f"refresh failed: {reasons}")
    run_seconds, steps = run_step_seconds(summary.run_id)
    run_results = json.loads((settings.dbt_target_dir / "run_results.json").read_text())
    return {
        "success": True,
        "files_loaded": summary.files_loaded,
        "files_not_loaded": summary.files_not_loaded,
        "rows_loaded": summary.rows_loaded,
        "rows_quarantined": summary.rows_quarantined,
        "checks_passed": summary.checks_passed,
        "steps": steps,
        "dbt_elapsed_s": round(run_results["elapsed_time"], 2),
        # Dagster's run bookkeeping before its first step (the run and its planned events).
        "before_steps_s": round(summary.seconds - run_seconds, 2),
    }


def run_step_seconds(run_id: str) -> tuple[float, dict[str, float]]:
    """Wall seconds of a Dagster run, and of each of its steps by step key.

    Where a refresh's time goes: ingestion, the dbt step (dbt's own run plus its start-up and
    Dagster's handling of every node's events) and publishing.
    """
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        run = instance.get_run_stats(run_id)
        steps = {
            step.step_key: round(step.end_time - step.start_time, 2)
            for step in instance.get_run_step_stats(run_id)
            if step.start_time and step.end_time
        }
    return run.end_time - run.start_time, steps


def dbt_direct(args: dict) -> dict:
    """The dbt build's compiled SQL run in DAG order in one DuckDB connection on a copy."""
    from bench.direct import run_direct

    return run_direct(Path(args["manifest"]), Path(args["db"]))


def dashboards(args: dict) -> dict:
    """p50/p95 of each dashboard page's queries on the published warehouse (cold loader cache)."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from bench.dashboard_pages import time_pages
    from dashboards.data import current_version

    return {"pages": time_pages(current_version(), args["repeat"])}


def intraday(args: dict) -> dict:
    """An hour's CRM changes from `_SUCCESS` to readers, through the Dagster daemon."""
    from bench.intraday import measure

    return measure(int(args["interval_s"]))


STEPS = {
    f.__name__: f
    for f in (
        generate,
        ingest,
        duckdb_read,
        dbt,
        publish,
        refresh,
        dbt_direct,
        dashboards,
        intraday,
    )
}


def main(argv: list[str]) -> None:
    """Run one step and print its JSON line, with the step's own peak memory."""
    step, payload = argv[0], json.loads(argv[1])
    result = STEPS[step](payload)
    sys.stdout.write("\n" + json.dumps(result | {"peak_mb": own_peak_mb()}) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown (Dagster and dbt threads): the figures are out


if __name__ == "__main__":
    main(sys.argv[1:])

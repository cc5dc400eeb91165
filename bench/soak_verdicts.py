"""The soak's verdicts: every landed file accounted for, marts equal, and what is a finding.

After each refresh the published `quality.load_log` must account for every landed file, each
with rows read = loaded + quarantined; at the end the incremental marts must equal, table by
table, those of one clean full build of the same files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from c360.serving import connect_readonly
from c360.settings import Settings
from c360.sql_text import sql_literal
from ingestion.landing import MARKER_FILES

HISTORY_SUFFIX = "_history"
"""Snapshot histories (`dim_customers_history`) record what each refresh saw, with its time: a
month of daily refreshes keeps versions a single rebuild never saw, by design. They are compared
and shown, not counted as a difference."""


def landed(landing: Path) -> set[str]:
    """Every landed extract file, relative to the landing folder (markers aside)."""
    return {
        p.relative_to(landing).as_posix()
        for p in landing.glob("*/*/*")
        if p.is_file() and p.name not in MARKER_FILES
    }


def reconcile(home: Path) -> dict:
    """From the published `quality.load_log`: files per status, unreconciled and missing files."""
    settings = Settings.from_env({"C360_HOME": str(home)})
    con = connect_readonly(settings)
    try:
        rows = con.execute(
            "select source_file, status, rows_read, rows_loaded, rows_quarantined "
            "from quality.load_log"
        ).fetchall()
    finally:
        con.close()
    by_status: dict[str, int] = {}
    for _, status, *_ in rows:
        by_status[status] = by_status.get(status, 0) + 1
    unreconciled = sorted(f for f, _, read, ok, bad in rows if read != ok + bad)
    return {
        "files": by_status,
        "rows_read": sum(r[2] for r in rows),
        "rows_quarantined": sum(r[4] for r in rows),
        "unreconciled": unreconciled,
        "missing": sorted(landed(settings.landing_dir) - {r[0] for r in rows}),
    }


def compare_marts(incremental: Path, full: Path) -> dict[str, dict]:
    """Per mart table: rows in each, and rows of each side missing from the other (EXCEPT ALL)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {sql_literal(incremental)} as incremental (read_only)")
        con.execute(f"attach {sql_literal(full)} as full_build (read_only)")
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = 'incremental' and schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        compared = {}
        for table in tables:
            a, b = f'incremental.marts."{table}"', f'full_build.marts."{table}"'
            [(rows_a, rows_b, only_a, only_b)] = con.execute(
                f"select (select count(*) from {a}), (select count(*) from {b}), "
                f"(select count(*) from (from {a} except all from {b})), "
                f"(select count(*) from (from {b} except all from {a}))"
            ).fetchall()
            compared[table] = {
                "rows": rows_a,
                "rows_full": rows_b,
                "only_incremental": only_a,
                "only_full": only_b,
            }
    finally:
        con.close()
    return compared


def findings(days: list[dict], full: dict, marts: dict[str, dict]) -> list[str]:
    """What broke a promise: failed refreshes, files not reconciled or not logged, marts unequal."""
    found = []
    for d in days:
        if not d["success"]:
            found.append(f"{d['day']}: refresh failed: {'; '.join(d['failures'])}")
        check = d.get("reconciliation") or {}
        if check.get("unreconciled"):
            found.append(f"{d['day']}: rows do not reconcile in {check['unreconciled']}")
        if check.get("missing"):
            found.append(f"{d['day']}: landed files with no load log entry: {check['missing']}")
    if not full.get("success"):
        found.append(f"clean full build failed: {'; '.join(full.get('failures', []))}")
    differing = [
        t
        for t, c in marts.items()
        if (c["only_incremental"] or c["only_full"]) and not t.endswith(HISTORY_SUFFIX)
    ]
    if differing:
        found.append(f"marts that differ between incremental and full builds: {differing}")
    return found

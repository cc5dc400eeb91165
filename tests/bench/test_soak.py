"""The soak's verdicts: marts compared row for row, and what counts as a finding."""

from pathlib import Path

import duckdb

from bench.soak_verdicts import compare_marts, findings


def warehouse(path: Path, customers: list[tuple[int, str]], months: list[int]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.dim_customers (customer_id int, name varchar)")
    con.executemany("insert into marts.dim_customers values (?, ?)", customers)
    con.execute("create table marts.rpt_kpi_monthly as select unnest(?::int[]) as month", [months])
    con.close()
    return path


def test_equal_marts_have_no_rows_on_either_side_only(tmp_path):
    a = warehouse(tmp_path / "a.duckdb", [(1, "Acme"), (2, "Globex")], [1, 2])
    b = warehouse(tmp_path / "b.duckdb", [(2, "Globex"), (1, "Acme")], [2, 1])
    assert compare_marts(a, b) == {
        "dim_customers": {"rows": 2, "rows_full": 2, "only_incremental": 0, "only_full": 0},
        "rpt_kpi_monthly": {"rows": 2, "rows_full": 2, "only_incremental": 0, "only_full": 0},
    }


def test_a_changed_value_and_a_repeated_row_are_counted_on_their_side(tmp_path):
    a = warehouse(tmp_path / "a.duckdb", [(1, "Acme"), (2, "Globex")], [1, 1])
    b = warehouse(tmp_path / "b.duckdb", [(1, "Acme"), (2, "Globex SA")], [1])
    compared = compare_marts(a, b)
    assert compared["dim_customers"] == {
        "rows": 2,
        "rows_full": 2,
        "only_incremental": 1,
        "only_full": 1,
    }
    assert compared["rpt_kpi_monthly"]["only_incremental"] == 1  # EXCEPT ALL keeps duplicates


def test_failed_refreshes_unreconciled_files_and_unequal_marts_are_findings():
    days = [
        {
            "day": "2026-09-01",
            "success": True,
            "failures": [],
            "reconciliation": {"unreconciled": [], "missing": ["crm/2026-09-01/leads.csv"]},
        },
        {"day": "2026-09-02", "success": False, "failures": ["step ingest_crm: x: ComputeError"]},
    ]
    marts = {"dim_customers": {"only_incremental": 0, "only_full": 3}}
    assert findings(days, {"success": True}, marts) == [
        "2026-09-01: landed files with no load log entry: ['crm/2026-09-01/leads.csv']",
        "2026-09-02: refresh failed: step ingest_crm: x: ComputeError",
        "marts that differ between incremental and full builds: ['dim_customers']",
    ]


def test_a_snapshot_history_that_differs_is_not_a_finding():
    days = [{"day": "2026-09-01", "success": True, "failures": [], "reconciliation": {}}]
    marts = {"dim_customers_history": {"only_incremental": 3, "only_full": 0}}
    assert findings(days, {"success": True}, marts) == []

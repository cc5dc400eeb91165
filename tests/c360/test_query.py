"""Formatting of `c360 sql` results."""

import datetime as dt
import json
from decimal import Decimal

from c360.query import format_result

COLUMNS = ["month", "net_revenue", "name"]
ROWS = [(dt.date(2026, 8, 1), Decimal("125000.50"), "ACME"), (dt.date(2026, 9, 1), None, "Zeta")]


def test_table_format_aligns_numbers_right_and_counts_rows():
    lines = format_result(COLUMNS, ROWS).splitlines()
    assert lines[0].split() == COLUMNS
    assert lines[2] == "2026-08-01    125000.50  ACME"
    assert lines[-1] == "(2 rows)"


def test_csv_format_has_a_header_and_empty_nulls():
    assert format_result(COLUMNS, ROWS, "csv").splitlines() == [
        "month,net_revenue,name",
        "2026-08-01,125000.50,ACME",
        "2026-09-01,,Zeta",
    ]


def test_json_format_keeps_decimals_exact():
    records = json.loads(format_result(COLUMNS, ROWS, "json"))
    assert records[0] == {"month": "2026-08-01", "net_revenue": "125000.50", "name": "ACME"}
    assert records[1]["net_revenue"] is None

"""Read-only SQL over the published warehouse, formatted for a terminal, CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from typing import Any

import duckdb

from c360.serving import connect_readonly, reader_limits, resolve_current
from c360.settings import Settings
from c360.version_integrity import damage_named

MAX_CELL = 60


def run_query(
    settings: Settings, query: str, *, personal_data: bool = False
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `query` on the current version (sandboxed, read-only).

    The masked file unless `personal_data`: then its copy with personal data, which only an
    account that may read the restricted serving folder can open.
    """
    path = resolve_current(settings, personal_data=personal_data)
    con = connect_readonly(settings, path)
    try:
        with damage_named(path), reader_limits(con, settings):
            cursor = con.execute(query)
            if cursor is None:  # DuckDB's answer to text with no statement in it
                raise ValueError("the query holds no SQL statement (it is empty, or only comments)")
            if cursor.description is None:
                return [], []
            return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        con.close()


def several_statements_note(query: str) -> str | None:
    """Said when `query` holds more than one statement: each ran, the result is the last one's.

    DuckDB runs them all and returns the last result, so `select 1; select 2` shows only the
    2, silently; a temporary table made by the first is a fair use, so they are not refused.
    """
    try:
        count = len(duckdb.extract_statements(query))
    except duckdb.Error:  # a query DuckDB cannot parse says so when it runs
        return None
    if count < 2:
        return None
    return f"{count} statements ran; the result shown is the last one's"


def _json_value(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def format_result(columns: list[str], rows: list[tuple[Any, ...]], fmt: str = "table") -> str:
    """Render rows as an aligned text table, CSV, or a JSON array of objects."""
    if fmt == "json":
        return json.dumps(
            [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows],
            indent=2,
            ensure_ascii=False,
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return buffer.getvalue().rstrip("\n")
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(row[i], (int, float, decimal.Decimal)) or row[i] is None for row in rows)
        for i in range(len(columns))
    ]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)

"""Save every published mart to Parquet, or compare a rebuilt warehouse with that baseline.

A refactor of the dbt project must leave every public table as it was: the same tables, the
same columns and types, the same rows (a multiset: order does not matter, every value exact,
floats included). Save once on the code before the change, then compare after each step:

    C360_HOME=... python tests/dbt/mart_baseline.py save <dir>
    C360_HOME=... python tests/dbt/mart_baseline.py compare <dir>

It reads the published version with personal data (the unmasked copy), so masked columns are
compared on their real values. `compare` exits non-zero and names every difference.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import duckdb

from c360.serving import resolve_current
from c360.settings import Settings

PUBLIC_SCHEMAS = ("marts", "quality")


def public_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view of the public schemas, as `schema.name`."""
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in (select unnest(?)) order by 1",
        [list(PUBLIC_SCHEMAS)],
    ).fetchall()
    return [name for (name,) in rows]


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> list[list[str]]:
    """The table's columns as [name, type] in their order."""
    rows = con.execute(f"describe {table}").fetchall()
    return [[row[0], row[1]] for row in rows]


def save(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """One Parquet per public table plus schema.json (the column types Parquet may widen)."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = {}
    for table in public_tables(con):
        con.execute(f"copy (select * from {table}) to '{folder / table}.parquet' (format parquet)")
        schema[table] = columns_of(con, table)
    (folder / "schema.json").write_text(json.dumps(schema, indent=1))
    print(f"saved {len(schema)} tables to {folder}")


def differences(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    """What differs between the published tables and the baseline in `folder`."""
    baseline = json.loads((folder / "schema.json").read_text())
    found: list[str] = []
    tables = public_tables(con)
    for table in sorted(set(baseline) - set(tables)):
        found.append(f"{table}: in the baseline, not published")
    for table in sorted(set(tables) - set(baseline)):
        found.append(f"{table}: published, not in the baseline")
    with tempfile.TemporaryDirectory() as scratch:
        for table in sorted(set(tables) & set(baseline)):
            columns = columns_of(con, table)
            if columns != baseline[table]:
                found.append(f"{table}: columns {columns} != baseline {baseline[table]}")
                continue
            # Both sides through Parquet, so both carry the same widened types.
            now = Path(scratch) / f"{table}.parquet"
            con.execute(f"copy (select * from {table}) to '{now}' (format parquet)")
            before = f"read_parquet('{folder / table}.parquet')"
            after = f"read_parquet('{now}')"
            [(missing,)] = con.execute(
                f"select count(*) from (select * from {before} except all select * from {after})"
            ).fetchall()
            [(extra,)] = con.execute(
                f"select count(*) from (select * from {after} except all select * from {before})"
            ).fetchall()
            if missing or extra:
                found.append(f"{table}: {missing} baseline rows missing, {extra} rows not in it")
    return found


def main(argv: list[str]) -> int:
    """`save <dir>` or `compare <dir>` on the published version of $C360_HOME."""
    command, folder = argv[0], Path(argv[1])
    published = resolve_current(Settings.from_env(), personal_data=True)
    con = duckdb.connect(str(published), read_only=True)
    if command == "save":
        save(con, folder)
        return 0
    found = differences(con, folder)
    for line in found:
        print(line)
    tables = len(public_tables(con))
    print(f"{published.name}: {tables} tables compared, {len(found)} differ")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

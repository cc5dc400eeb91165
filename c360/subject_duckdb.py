"""Remove one person from a DuckDB file: the build, the public file, every serving version.

Deleting rows is not enough: DuckDB keeps freed blocks in the file (a deleted value's bytes
stayed after DELETE, CHECKPOINT and VACUUM when it was tried), and strings are compressed, so
their bytes cannot be patched either. So the file is copied aside, the person's rows deleted and
their mentions redacted in the copy (`Subject.owned_rows` without `extract`: a warehouse row is
theirs only through an email or contact column; a customer row whose main contact they are is
the customer's, and keeps its revenue), and the copy is written out with `COPY FROM DATABASE`
into a fresh file, which holds only live rows, comments and views included. The fresh file is
renamed over the original and a write-ahead log beside it (already folded into the copy)
removed. The original is never opened for writing, so a reader holding a serving version open
keeps reading it until it closes it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from c360.erasure_ledger import CONTACT_ID, EMAIL, identifier_kind, record_kinds
from c360.sql_text import sql_literal
from c360.subject import REDACTED, Subject

_ROW_COUNTS = "meta.row_counts"


@dataclass(frozen=True)
class DuckdbEdit:
    """One DuckDB file rewritten: rows removed per table, values redacted."""

    path: Path
    rows_removed: dict[str, int]
    values_redacted: int


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """`schema.table` -> [(column, type)] for every base table of the open file."""
    rows = con.execute(
        """
        select c.schema_name, c.table_name, c.column_name, c.data_type
        from duckdb_columns() as c
        inner join duckdb_tables() as t
            on c.database_name = t.database_name
            and c.schema_name = t.schema_name
            and c.table_name = t.table_name
        where c.database_name = current_database() and not t.internal
        order by c.schema_name, c.table_name, c.column_index
        """
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, dtype in rows:
        tables.setdefault(f"{_quoted(schema)}.{_quoted(table)}", []).append((column, dtype))
    return tables


def _literals(values: frozenset[str]) -> str:
    return ", ".join(sql_literal(v) for v in sorted(values))


def owned_condition(columns: list[tuple[str, str]], subject: Subject) -> str | None:
    """SQL true for the subject's rows: an email, contact or record-key column holding theirs."""
    conditions = []
    for column, dtype in columns:
        if dtype != "VARCHAR":
            continue
        kind = identifier_kind(column)
        if kind == EMAIL and subject.emails:
            conditions.append(f"lower(trim({_quoted(column)})) in ({_literals(subject.emails)})")
        elif kind == CONTACT_ID and subject.contact_ids:
            conditions.append(f"trim({_quoted(column)}) in ({_literals(subject.contact_ids)})")
        for key_kind in () if kind else record_kinds(column):
            if subject.keys.get(key_kind):
                values = _literals(subject.keys[key_kind])
                conditions.append(f"trim({_quoted(column)}) in ({values})")
    return " or ".join(conditions) or None


def _scrub(con: duckdb.DuckDBPyConnection, subject: Subject) -> tuple[dict[str, int], int]:
    """Delete the person's rows and redact their mentions in every table of the open file."""
    removed: dict[str, int] = {}
    redacted = 0
    pattern = subject.pattern
    for table, columns in table_columns(con).items():
        condition = owned_condition(columns, subject)
        if condition:
            [(count,)] = con.execute(f"delete from {table} where {condition}").fetchall()
            if count:
                removed[table] = count
        if not pattern:
            continue
        for column, dtype in columns:
            if dtype != "VARCHAR":
                continue
            [(count,)] = con.execute(
                f"update {table} set {_quoted(column)} = "
                f"regexp_replace({_quoted(column)}, ?, ?, 'g') "
                f"where regexp_matches({_quoted(column)}, ?)",
                [pattern, REDACTED, pattern],
            ).fetchall()
            redacted += count
    _update_row_counts(con, removed)
    return removed, redacted


def _update_row_counts(con: duckdb.DuckDBPyConnection, removed: dict[str, int]) -> None:
    """Keep a serving version's publication record true to the rows it now holds."""
    has_meta = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'meta' and table_name = 'row_counts'"
    ).fetchall()[0][0]
    if not has_meta:
        return
    for table in removed:
        name = table.replace('"', "")
        con.execute(
            f"update {_ROW_COUNTS} set row_count = (select count(*) from {table}) "
            "where table_name = ?",
            [name],
        )


def scrub_duckdb(path: Path, subject: Subject) -> DuckdbEdit:
    """Rewrite `path` without the person.

    Always rewritten, even when no live row is theirs: blocks freed by an earlier build may
    still hold them.
    """
    work = path.with_name(f".{path.name}.{uuid.uuid4().hex}.work")
    fresh = path.with_name(f".{path.name}.{uuid.uuid4().hex}.fresh")
    wal = Path(f"{path}.wal")
    try:
        shutil.copyfile(path, work)
        if wal.exists():
            shutil.copyfile(wal, f"{work}.wal")
        con = duckdb.connect(str(work))
        try:
            removed, redacted = _scrub(con, subject)
            [(source,)] = con.execute("select current_database()").fetchall()
            con.execute(f"attach {sql_literal(fresh)} as fresh_copy")
            con.execute(f"copy from database {_quoted(source)} to fresh_copy")
            con.execute("detach fresh_copy")
        finally:
            con.close()
        os.replace(fresh, path)
        wal.unlink(missing_ok=True)
    finally:
        for leftover in (work, Path(f"{work}.wal"), fresh, Path(f"{fresh}.wal")):
            leftover.unlink(missing_ok=True)
    return DuckdbEdit(path, removed, redacted)

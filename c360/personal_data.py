"""The masked copy of a published version: every column declared personal data, masked.

Which columns hold personal data (names of people, emails, phones, free-text notes) is declared
once, in the dbt YAML (`config: meta: personal_data: true` on the column, and
`personal_data_rows: <SQL condition>` where only some rows hold it, such as the sales owner rows of
a table of dimensions whose other rows are products); the build writes the
declarations into `quality.personal_data_columns` (dbt/models/marts/quality), so the file being
published carries its own list and publishing needs no dbt artifact. A file without that table is
refused rather than published unmasked, and so is a declaration naming a column the file lacks
(a renamed column would otherwise go out in clear under its new name).

The masked file is written table by table into a new file, never by updating a copy: DuckDB kept
a deleted value's bytes in the file after DELETE, CHECKPOINT and VACUUM when it was tried, and
only a rewrite removed them. `COPY FROM DATABASE ... (SCHEMA)` recreates the schemas, tables,
constraints and descriptions first, so the masked file documents its columns like the other.

A masked value is `•••` followed by eight hex digits of SHA-256 over a secret drawn for this
publication and the value; the secret is never stored. Readers tell masked (`•••…`) from missing
(null stays null); equal values stay equal inside one version, so the pipeline still splits by
owner and a count of distinct contacts is still right; and without the secret a token cannot be
traced back to the value, nor linked across versions. Columns that are not text are masked as
null (none is declared today).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import duckdb

from c360.sql_text import sql_literal

DECLARATION_SCHEMA = "quality"
DECLARATION_TABLE = "personal_data_columns"
MASK_MARK = "•••"
TOKEN_HEX_DIGITS = 8


class PersonalDataDeclarationError(RuntimeError):
    """The build's personal-data declarations are missing or name a column that is not there."""


def create_declarations(
    con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str, str | None]] = ()
) -> None:
    """Write the declarations table as the dbt build does (for a database built by hand).

    `rows` are (schema, table, column, condition on the rows or None).
    """
    con.execute(f"create schema if not exists {DECLARATION_SCHEMA}")
    con.execute(
        f"create or replace table {DECLARATION_SCHEMA}.{DECLARATION_TABLE} ("
        "schema_name varchar not null, table_name varchar not null, "
        "column_name varchar not null, masked_rows varchar)"
    )
    if rows:
        con.executemany(
            f"insert into {DECLARATION_SCHEMA}.{DECLARATION_TABLE} values (?, ?, ?, ?)", rows
        )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def declared_columns(
    con: duckdb.DuckDBPyConnection, catalog: str
) -> dict[tuple[str, str], dict[str, str | None]]:
    """Personal-data columns of the database `catalog` by (schema, table).

    Each with the condition on the rows that hold it (None: every row).
    """
    [(present,)] = con.execute(
        "select count(*) from duckdb_tables() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        [catalog, DECLARATION_SCHEMA, DECLARATION_TABLE],
    ).fetchall()
    if not present:
        raise PersonalDataDeclarationError(
            f"the build has no {DECLARATION_SCHEMA}.{DECLARATION_TABLE}: refusing to publish "
            "without knowing which columns hold personal data (run the whole dbt build)"
        )
    declared: dict[tuple[str, str], dict[str, str | None]] = {}
    rows = con.execute(
        f"select schema_name, table_name, column_name, masked_rows "
        f"from {_quoted(catalog)}.{DECLARATION_SCHEMA}.{DECLARATION_TABLE}"
    ).fetchall()
    for schema, table, column, masked_rows in rows:
        declared.setdefault((schema, table), {})[column] = masked_rows
    return declared


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[tuple[str, str], list[tuple]]:
    """Every table of `catalog` with its (column, data type) in order."""
    tables: dict[tuple[str, str], list[tuple]] = {}
    for schema, table, column, data_type in con.execute(
        """
        select schema_name, table_name, column_name, data_type
        from duckdb_columns()
        where database_name = ? and not internal
            and (schema_name, table_name) in (
                select (schema_name, table_name) from duckdb_tables() where database_name = ?
            )
        order by schema_name, table_name, column_index
        """,
        [catalog, catalog],
    ).fetchall():
        tables.setdefault((schema, table), []).append((column, data_type))
    return tables


def mask_expression(column: str, data_type: str, rows: str | None = None) -> str:
    """SQL that masks `column` on the rows where `rows` holds (all when None).

    The publication's secret is bound as `$secret`. A row for which the condition is unknown
    (null) is masked: a doubt never goes out in clear.
    """
    name = _quoted(column)
    where = "true" if rows is None else f"coalesce(({rows}), true)"
    if data_type != "VARCHAR":
        return f"case when {where} then null else {name} end as {name}"
    token = f"left(sha256($secret || {name}), {TOKEN_HEX_DIGITS})"
    return (
        f"case when {name} is null then null when {where} then '{MASK_MARK}' || {token} "
        f"else {name} end as {name}"
    )


def _check_declarations(
    declared: dict[tuple[str, str], dict[str, str | None]],
    tables: dict[tuple[str, str], list[tuple]],
) -> None:
    for (schema, table), columns in sorted(declared.items()):
        present = {column for column, _ in tables.get((schema, table), [])}
        missing = sorted(set(columns) - present)
        if missing:
            raise PersonalDataDeclarationError(
                f"{schema}.{table} is declared to hold personal data in {', '.join(missing)}, "
                "which it does not have: refusing to publish (a renamed column would go out "
                "unmasked). Fix the column's `personal_data` declaration in the dbt YAML."
            )


def write_masked_copy(
    source: Path,
    target: Path,
    duckdb_settings: Mapping[str, str] | None = None,
    on_table: Callable[[str, float], None] | None = None,
) -> list[str]:
    """Write `target`: `source` with every declared personal-data column masked.

    `duckdb_settings` (memory limit, threads, spill folder: the build's, from publishing) bound
    the copy of every table, which would otherwise take DuckDB's 80 % of RAM. `on_table` is
    told each table's `schema.table` and the seconds its copy took (bench/publish_breakdown.py:
    the copy is most of publishing's time).
    Returns the masked columns as `schema.table.column`.
    """
    con = duckdb.connect(str(target), config=dict(duckdb_settings or {}))
    try:
        [(catalog,)] = con.execute("select current_database()").fetchall()
        con.execute(f"attach {sql_literal(source)} as source (read_only)")
        declared = declared_columns(con, "source")
        tables = _tables(con, "source")
        _check_declarations(declared, tables)
        con.execute(f"copy from database source to {_quoted(catalog)} (schema)")
        secret = secrets.token_hex(32)
        masked = []
        for (schema, table), columns in tables.items():
            personal = declared.get((schema, table), {})
            selected = [
                mask_expression(c, t, personal[c]) if c in personal else _quoted(c)
                for c, t in columns
            ]
            masked += [f"{schema}.{table}.{c}" for c, _ in columns if c in personal]
            relation = f"{_quoted(schema)}.{_quoted(table)}"
            sql = (
                f"insert into {_quoted(catalog)}.{relation} "
                f"select {', '.join(selected)} from source.{relation}"
            )
            started = time.perf_counter()
            con.execute(sql, {"secret": secret} if "$secret" in sql else None)
            if on_table:
                on_table(f"{schema}.{table}", time.perf_counter() - started)
        con.execute("detach source")
        con.execute("checkpoint")
    finally:
        con.close()
    return masked

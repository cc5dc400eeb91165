"""Copy one DuckDB schema's tables into a new PostgreSQL schema: types, rows and comments.

The load half of the PostgreSQL publish target (`c360.postgres_publish`): each table is exported
by DuckDB as CSV and streamed with `COPY ... FROM STDIN (FREEZE)` (the table was created in the
same transaction, so a reader whose snapshot predates the load never sees it empty after the
swap); dbt's descriptions become comments, so DBeaver and Metabase show them.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from c360.fault_points import POSTGRES_DURING_LOAD, fault_point
from c360.sql_text import sql_literal

COPY_CHUNK_BYTES = 1 << 20

# DuckDB type → PostgreSQL type; DECIMAL keeps its precision, anything else (lists, structs,
# JSON) goes as DuckDB's text form of the value.
_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20, 0)",
    "HUGEINT": "numeric(39, 0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "VARCHAR": "text",
}


def pg_type(duckdb_type: str) -> str:
    """The PostgreSQL column type for a DuckDB column type."""
    if duckdb_type.startswith("DECIMAL"):
        return "numeric" + duckdb_type.removeprefix("DECIMAL")
    return _TYPES.get(duckdb_type, "text")


def _columns(duck: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple]:
    return duck.execute(
        "select column_name, data_type, comment from duckdb_columns() "
        "where schema_name = ? and table_name = ? and not internal order by column_index",
        [schema, table],
    ).fetchall()


def duckdb_tables(duck: duckdb.DuckDBPyConnection, schema: str) -> list[tuple[str, str | None]]:
    """The tables of a DuckDB schema with their descriptions, by name."""
    return duck.execute(
        "select table_name, comment from duckdb_tables() "
        "where database_name = current_database() and schema_name = ? order by table_name",
        [schema],
    ).fetchall()


def _copy_table(
    duck: duckdb.DuckDBPyConnection,
    pg: psycopg.Connection,
    source: tuple[str, str],
    target: sql.Composable,
    scratch: Path,
) -> int:
    """Export one DuckDB table as CSV and stream it into `target`; returns its row count."""
    schema, table = source
    csv = scratch / f"{uuid.uuid4().hex}.csv"
    duck.execute(f'copy "{schema}"."{table}" to {sql_literal(csv)} (format csv, header false)')
    statement = sql.SQL("copy {} from stdin (format csv, freeze)").format(target)
    with pg.cursor() as cur, csv.open("rb") as data:
        with cur.copy(statement) as copy:
            while chunk := data.read(COPY_CHUNK_BYTES):
                copy.write(chunk)
        rows = cur.rowcount
    csv.unlink()
    return rows


def load_schema(
    duck: duckdb.DuckDBPyConnection,
    pg: psycopg.Connection,
    schema: str,
    tables: list[tuple[str, str | None]],
    target_schema: str,
    scratch: Path,
) -> int:
    """Create `target_schema` with `tables` of DuckDB's `schema`, comments included; rows."""
    pg.execute(sql.SQL("create schema {}").format(sql.Identifier(target_schema)))
    rows = 0
    for table, comment in tables:
        target = sql.Identifier(target_schema, table)
        columns = _columns(duck, schema, table)
        pg.execute(
            sql.SQL("create table {} ({})").format(
                target,
                sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type(data_type)))
                    for name, data_type, _ in columns
                ),
            )
        )
        rows += _copy_table(duck, pg, (schema, table), target, scratch)
        fault_point(POSTGRES_DURING_LOAD)
        if comment:
            pg.execute(sql.SQL("comment on table {} is {}").format(target, sql.Literal(comment)))
        for name, _, column_comment in columns:
            if column_comment:
                pg.execute(
                    sql.SQL("comment on column {} is {}").format(
                        sql.Identifier(target_schema, table, name), sql.Literal(column_comment)
                    )
                )
    return rows

"""The SQL page: the catalogue of published tables and analysts' queries, limited in rows and time.

Safety does not come from inspecting the statement but from the connection: c360.serving opens
the file read-only, with external access and the local filesystem disabled and the configuration
locked, so writes, ATTACH/DETACH escapes, settings and file reads all fail inside DuckDB.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import polars as pl
import pyarrow as pa

from c360.serving import QueryTimeoutError, reader_limits
from c360.settings import Settings
from dashboards.data import connect, query

__all__ = ["QueryTimeoutError", "Result", "columns", "run_limited", "tables"]

PUBLISHED_SCHEMAS = ("marts", "quality", "catalogue", "meta")


@dataclass(frozen=True)
class Result:
    """At most `limit` rows of a query, whether more existed, and how long it took."""

    frame: pl.DataFrame
    truncated: bool
    seconds: float


def tables(version: str) -> pl.DataFrame:
    """Published tables with their documentation (dbt descriptions persisted as comments)."""
    schemas = ", ".join(f"'{s}'" for s in PUBLISHED_SCHEMAS)
    return query(
        f"""
        select
            schema_name || '.' || table_name as table_name,
            estimated_size as approx_rows,
            coalesce(comment, '') as description
        from duckdb_tables()
        where schema_name in ({schemas})
        order by schema_name, table_name
        """,
        version,
    )


def columns(version: str, table_name: str) -> pl.DataFrame:
    """Columns of `schema.table`, their types and descriptions."""
    schema, _, table = table_name.partition(".")
    return query(
        """
        select column_name as column, data_type as type, coalesce(comment, '') as description
        from duckdb_columns()
        where schema_name = ? and table_name = ?
        order by column_index
        """,
        version,
        (schema, table),
    )


def run_limited(version: str, sql: str, *, row_limit: int, seconds: float) -> Result:
    """Run an analyst's `sql` on its own sandboxed connection, stopped after `seconds`.

    Never longer than the reader time limit (c360.serving.reader_limits), whatever the page
    asks. Rows are streamed and only `row_limit` (+1, to tell whether more exist) are fetched,
    so a `select *` over the biggest table costs no more memory than the limit.
    """
    con = connect(version)
    started = time.perf_counter()
    try:
        with reader_limits(con, Settings.from_env(), seconds):
            relation = con.sql(sql)
            if relation is None:  # a statement without a result (which the sandbox let through)
                return Result(pl.DataFrame(), False, time.perf_counter() - started)
            reader = relation.to_arrow_reader(min(row_limit + 1, 100_000))
            batches, fetched = [], 0
            for batch in reader:
                batches.append(batch)
                fetched += batch.num_rows
                if fetched > row_limit:
                    break
            table = pa.Table.from_batches(batches, schema=reader.schema)
    finally:
        con.close()
    frame = pl.from_arrow(table)
    return Result(frame.head(row_limit), fetched > row_limit, time.perf_counter() - started)

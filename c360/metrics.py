"""The metric catalogue as readers use it: list the metrics, query one by grain and dimensions.

Everything is read from the published version (schema `catalogue`, c360.catalogue), never from
the build: the semantic manifest a query compiles from is the one of the tables it reads.
MetricFlow compiles the query to DuckDB SQL; the SQL runs on the readers' sandboxed read-only
connection under the reader limits, like `c360 sql`. MetricFlow's own client for dbt
(`mf query`) would open the dbt profile's build file read-write, which a refresh holds for
minutes and readers must never open.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from c360.metricflow_messages import metricflow_message
from c360.serving import connect_readonly, reader_limits, resolve_current
from c360.settings import Settings
from c360.version_integrity import damage_named

CATALOGUE_SCHEMA = "catalogue"
TIME_GRAINS = ("day", "week", "month", "quarter", "year")


class MetricQueryError(ValueError):
    """A metric, grain or dimension the catalogue does not know, named with what it offers."""


@dataclass(frozen=True)
class MetricDefinition:
    """One metric of the catalogue as published."""

    name: str
    label: str
    description: str
    metric_type: str
    formula: str
    owner: str | None
    grain: str | None
    marts: str
    dimensions: list[str]


def read_definitions(con: duckdb.DuckDBPyConnection) -> list[MetricDefinition]:
    """Every metric of the version `con` reads, by name."""
    rows = con.execute(
        f"""
        select metric_name, label, description, metric_type, formula, owner, grain, marts,
            dimensions
        from {CATALOGUE_SCHEMA}.metrics
        order by metric_name
        """
    ).fetchall()
    return [MetricDefinition(*row) for row in rows]


def list_metrics(settings: Settings) -> list[MetricDefinition]:
    """The catalogue of the current published version."""
    path = resolve_current(settings)
    con = connect_readonly(settings, path)
    try:
        with damage_named(path):
            return read_definitions(con)
    finally:
        con.close()


class _PublishedSqlClient:
    """MetricFlow's SQL client protocol over a reader's connection (DuckDB dialect).

    MetricFlow asks it for the dialect's renderer while planning; c360 runs the SQL itself.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

        self._con = con
        self.sql_engine_type = SqlEngine.DUCKDB
        self.sql_plan_renderer = DuckDbSqlPlanRenderer()

    def query(self, stmt: str, sql_bind_parameter_set: Any = None) -> Any:
        from metricflow.data_table.mf_table import MetricFlowDataTable

        cursor = self._require().execute(stmt)
        columns = [d[0] for d in cursor.description]
        return MetricFlowDataTable.create_from_rows(columns, cursor.fetchall())

    def execute(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        self._require().execute(stmt)

    def dry_run(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        self._require().execute(f"explain {stmt}")

    def close(self) -> None:
        return None

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"

    def _require(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("this client only plans queries")
        return self._con


@lru_cache(maxsize=4)
def _engine(manifest_json: str) -> Any:
    """A MetricFlow engine for one published manifest (building one takes about a second)."""
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.dbt_manifest_parser import (
        parse_manifest_from_dbt_generated_manifest,
    )
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    manifest = parse_manifest_from_dbt_generated_manifest(manifest_json_string=manifest_json)
    return MetricFlowEngine(SemanticManifestLookup(manifest), _PublishedSqlClient())


def _group_by(by: list[str], dimensions: list[str] | None = None) -> list[str]:
    """`month` means metric_time at month grain; `segment` the one dimension named so.

    A short name must match exactly one of `dimensions` (qualified names such as
    `customer__segment`); a qualified name is passed on for MetricFlow to check.
    """
    resolved = []
    for item in by:
        if item in TIME_GRAINS:
            resolved.append(f"metric_time__{item}")
            continue
        if "__" in item or dimensions is None:
            resolved.append(item)
            continue
        matches = [d for d in dimensions if d.endswith(f"__{item}")]
        if len(matches) != 1:
            raise MetricQueryError(
                f"dimension {item!r} is {'ambiguous' if matches else 'unknown'} for these "
                f"metrics: choose one of {', '.join(matches or dimensions)}"
            )
        resolved.append(matches[0])
    return resolved


def compile_metric_sql(
    manifest_json: str,
    metrics: list[str],
    by: list[str],
    where: list[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> str:
    """MetricFlow's DuckDB SQL for `metrics` grouped by `by`, optionally filtered and bounded."""
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    if start and end and start > end:
        raise MetricQueryError(f"the start {start} is after the end {end}: no day is in between")
    engine = _engine(manifest_json)
    known = {m.name for m in engine.list_metrics(include_dimensions=False)}
    unknown = sorted(set(metrics) - known)
    if unknown:
        raise MetricQueryError(
            f"unknown metric {', '.join(unknown)}: `c360 metrics list` shows the catalogue"
        )
    dimensions = [d.dunder_name for d in engine.simple_dimensions_for_metrics(metrics)]
    group_by = _group_by(by, dimensions)
    request = MetricFlowQueryRequest.create(
        metric_names=metrics,
        group_by_names=group_by,
        where_constraints=where or None,
        time_constraint_start=dt.datetime.combine(start, dt.time()) if start else None,
        time_constraint_end=dt.datetime.combine(end, dt.time()) if end else None,
        order_by_names=group_by,
    )
    try:
        return engine.explain(request).sql_statement.sql
    except Exception as exc:  # MetricFlow's errors name the offending item and what exists
        if type(exc).__module__.startswith(("metricflow", "metricflow_semantics")):
            raise MetricQueryError(metricflow_message(str(exc))) from exc
        raise


QUERY_TEXT_ERRORS = (
    duckdb.ParserException,
    duckdb.BinderException,
    duckdb.CatalogException,
    duckdb.ConversionException,
    duckdb.PermissionException,
)
"""What a filter's own text causes when the SQL MetricFlow compiled runs: MetricFlow passes a
filter's SQL through as written, so DuckDB is the first to read it."""


def _failed_query(exc: duckdb.Error, where: list[str] | None) -> str:
    reason = str(exc).strip().splitlines()[0]
    filters = "; ".join(where or [])
    return f"the query failed: {reason}" + (f" (filters: {filters})" if filters else "")


def published_manifest(con: duckdb.DuckDBPyConnection) -> str:
    """The semantic manifest stored in the version `con` reads."""
    [(manifest,)] = con.execute(
        f"select manifest_json from {CATALOGUE_SCHEMA}.semantic_manifest"
    ).fetchall()
    return manifest


def query_metrics(
    settings: Settings,
    metrics: list[str],
    by: list[str],
    *,
    where: list[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    path: Path | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of the metrics on the current version (sandboxed, read-only)."""
    path = path or resolve_current(settings)
    con = connect_readonly(settings, path)
    try:
        with damage_named(path), reader_limits(con, settings):
            sql = compile_metric_sql(published_manifest(con), metrics, by, where, start, end)
            try:
                cursor = con.execute(sql)
            except QUERY_TEXT_ERRORS as exc:
                raise MetricQueryError(_failed_query(exc, where)) from exc
            return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        con.close()


def definitions_json(definitions: list[MetricDefinition]) -> str:
    """The catalogue as JSON (`c360 metrics list --format json`)."""
    return json.dumps([d.__dict__ for d in definitions], indent=2, ensure_ascii=False)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def definitions_markdown(definitions: list[MetricDefinition]) -> str:
    """The catalogue as the Markdown table docs/metrics.md embeds (`--format markdown`)."""
    lines = [
        "| metric | definition | formula | owner | grain |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{d.name}` ({_cell(d.label)}) | {_cell(d.description)} | `{_cell(d.formula)}` "
        f"| {_cell(d.owner)} | {_cell(d.grain)} |"
        for d in definitions
    ]
    return "\n".join(lines)

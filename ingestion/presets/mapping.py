"""Run a preset's mapping: typed native tables in, canonical entities out, as text.

The mapping is SQL over the native tables of one delivery, run in an in-memory DuckDB (never the
warehouse file). Every canonical row keeps the native rows it came from (`NATIVE_IDS`: one for a
row mapped one to one, all the lines of a group for an aggregated one), so a canonical row that
fails its contract quarantines the native rows behind it, with the reason.

The output is text in one canonical form (ISO dates, a decimal point), typed again by the
canonical contract's own checks (`ingestion.validate`), so a preset can never load a value the
built-in extracts could not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import duckdb
import polars as pl

from ingestion.contracts import Column, Entity
from ingestion.presets.model import DELIVERY_TABLE, EntityMapping, Preset, SkipRule, ValueMap, quote
from ingestion.stored_types import polars_dtype

NATIVE_ID = "__native_id"
"""A native row's id within one delivery: its file's index (high bits) and its line number."""
NATIVE_IDS = "__native_ids"
FILE_SHIFT = 40


def native_id(file_index: int, row_number: pl.Expr) -> pl.Expr:
    """The delivery-wide id of the rows of the `file_index`-th native file."""
    return (pl.lit(file_index, dtype=pl.Int64) * (1 << FILE_SHIFT) + row_number).alias(NATIVE_ID)


def split_native_id(ids: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(file index, line number) of native ids."""
    return (ids // (1 << FILE_SHIFT)).alias("file_index"), (ids % (1 << FILE_SHIFT)).alias(
        "row_number"
    )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _value_map_sql(value_map: ValueMap) -> str:
    column = f"({value_map.expression})"
    cases = " ".join(
        f"when {_literal(native)} then {'null' if canonical is None else _literal(canonical)}"
        for native, canonical in value_map.values.items()
    )
    if value_map.default == "keep":
        fallback = f"cast({column} as varchar)"
    elif value_map.default is None:
        fallback = "null"
    else:
        fallback = _literal(value_map.default)
    return f"case cast({column} as varchar) {cases} else {fallback} end"


def _as_canonical_text(expression: str, column: Column) -> str:
    """The SQL that renders a mapped value in the canonical text form of its column's type.

    A value that does not convert passes through as text, so the contract's check quarantines
    it with what it was ("cannot read 'x' as date") instead of the query failing.
    """
    value = f"({expression})"
    if column.type == "date":
        return (
            f"coalesce(strftime(try_cast({value} as date), '%Y-%m-%d'), cast({value} as varchar))"
        )
    if column.type == "timestamp":
        return (
            f"coalesce(strftime(try_cast({value} as timestamp), '%Y-%m-%d %H:%M:%S'), "
            f"cast({value} as varchar))"
        )
    return f"cast({value} as varchar)"


def _rows_taken(mapping: EntityMapping, skip_conditions: list[str]) -> str:
    """The FROM and WHERE clauses: the driving table's rows this mapping takes."""
    conditions = [f"({mapping.where})"] if mapping.where else []
    conditions += [f"not coalesce(({c}), false)" for c in skip_conditions]
    clause = f"from {quote(mapping.driving_table)} {mapping.joins}"
    return clause + (" where " + " and ".join(conditions) if conditions else "")


def mapping_sql(mapping: EntityMapping, entity: Entity, skip_conditions: list[str]) -> str:
    """The SELECT that computes one canonical entity from the native tables."""
    driving = quote(mapping.driving_table)
    selects = []
    for column in entity.columns:
        spec = mapping.columns.get(column.name)
        if spec is None:
            selects.append(f"cast(null as varchar) as {quote(column.name)}")
            continue
        expression = _value_map_sql(spec) if isinstance(spec, ValueMap) else spec
        selects.append(f"{_as_canonical_text(expression, column)} as {quote(column.name)}")
    ids = f"{driving}.{NATIVE_ID}"
    selects.append(f"list({ids} order by {ids})" if mapping.group_by else f"[{ids}]")
    sql = f"select {', '.join(selects)} as {NATIVE_IDS} {_rows_taken(mapping, skip_conditions)}"
    if mapping.group_by:
        sql += " group by " + ", ".join(mapping.group_by)
    return sql


@dataclass(frozen=True)
class MappedEntity:
    """One canonical entity computed from a delivery: text columns plus `NATIVE_IDS`."""

    entity: Entity
    frame: pl.DataFrame
    unmapped_values: dict[str, Counter[str]]
    driving_table: str = ""
    """The native table the rows come from: its file's log names the values no map knows."""


@dataclass(frozen=True)
class MappingResult:
    """Every canonical entity of a delivery, and the native rows each skip rule took."""

    entities: list[MappedEntity]
    skipped: dict[str, pl.DataFrame]
    """Per skip reason, the native ids it took."""


class MappingError(Exception):
    """A preset's SQL does not run on this delivery (a preset defect, named with its entity)."""


def _unmapped_values(
    connection: duckdb.DuckDBPyConnection, mapping: EntityMapping, skip_conditions: list[str]
) -> dict[str, Counter[str]]:
    """Per value-mapped column, the values the map does not know, in the rows it takes."""
    found: dict[str, Counter[str]] = {}
    for name, spec in mapping.columns.items():
        if not isinstance(spec, ValueMap) or not spec.reports_unknown_values:
            continue
        known = ", ".join(_literal(v) for v in spec.values) or "null"
        group_by = f" group by {', '.join(mapping.group_by)}" if mapping.group_by else ""
        values = (
            f"select cast(({spec.expression}) as varchar) as v "
            f"{_rows_taken(mapping, skip_conditions)}{group_by}"
        )
        rows = connection.execute(
            f"select v, count(*) from ({values}) "
            f"where v is not null and v not in ({known}) group by 1 order by 2 desc, 1"
        ).fetchall()
        if rows:
            found[name] = Counter({str(value): int(n) for value, n in rows})
    return found


def _prepare(
    connection: duckdb.DuckDBPyConnection, preset: Preset, extract_date: dt.date | None
) -> None:
    """The preset's macros and the `delivery` table, before any of its SQL runs."""
    connection.execute("set TimeZone = 'UTC'")
    for name, body in preset.macros.items():
        try:
            connection.execute(f"create macro {quote(name)}{body}")
        except duckdb.Error as exc:
            message = f"preset {preset.name}: macro {name!r} does not parse: {exc}"
            raise MappingError(message) from exc
    connection.execute(
        f"create table {DELIVERY_TABLE} as select cast(? as date) as extract_date", [extract_date]
    )


def _skipped_rows(connection: duckdb.DuckDBPyConnection, rule: SkipRule) -> dict[str, pl.DataFrame]:
    """The native ids a skip rule takes, per reason (one per `{value}` the rule found)."""
    value = f"cast(({rule.value}) as varchar)" if rule.value else "null"
    rows = connection.sql(
        f"select {NATIVE_ID}, {value} as value from {quote(rule.table)} "
        f"where coalesce(({rule.where}), false)"
    ).pl()
    if not rule.value:
        return {rule.reason: rows.select(NATIVE_ID)}
    return {
        rule.reason.replace("{value}", str(found)): ids.select(NATIVE_ID)
        for (found,), ids in rows.group_by("value", maintain_order=True)
    }


def run_mapping(
    preset: Preset,
    canonical: dict[str, Entity],
    tables: dict[str, pl.DataFrame],
    extract_date: dt.date | None = None,
) -> MappingResult:
    """Compute every canonical entity of `preset` from the typed native `tables` of a delivery.

    A mapping whose driving table is absent from the delivery produces nothing (a delta without
    that file); a table the SQL joins but the delivery lacks is an empty table of its contract.
    `extract_date` (the delivery's folder date) is `delivery.extract_date` in the SQL.

    Raises:
        MappingError: the preset's SQL fails (a defect of the preset, not of the data).
    """
    connection = duckdb.connect(":memory:")
    _prepare(connection, preset, extract_date)
    for name, native in preset.native.entities.items():
        frame = tables.get(name)
        if frame is None:
            # Typed as the delivered tables are, so `coalesce(flag, false)` binds either way.
            frame = pl.DataFrame(
                schema={c.name: polars_dtype(c) for c in native.columns} | {NATIVE_ID: pl.Int64}
            )
        connection.register(name, frame)
    skipped: dict[str, pl.DataFrame] = {}
    for rule in preset.skips:
        if rule.table in tables:
            try:
                taken = _skipped_rows(connection, rule)
            except duckdb.Error as exc:
                raise MappingError(
                    f"preset {preset.name}: skip rule {rule.reason!r}: its SQL failed: {exc}"
                ) from exc
            # One reason may name rows of several tables (a past version, in every table).
            for reason, ids in taken.items():
                earlier = skipped.get(reason)
                skipped[reason] = ids if earlier is None else pl.concat([earlier, ids])
    mapped: list[MappedEntity] = []
    for mapping in preset.mappings:
        if mapping.driving_table not in tables:
            continue
        entity = canonical[mapping.entity]
        skips = [s.where for s in preset.skips if s.table == mapping.driving_table]
        sql = mapping_sql(mapping, entity, skips)
        try:
            frame = connection.sql(sql).pl()
            unknown = _unmapped_values(connection, mapping, skips)
        except duckdb.Error as exc:
            raise MappingError(
                f"preset {preset.name}: entity {mapping.entity}: the mapping's SQL failed: {exc}"
            ) from exc
        mapped.append(MappedEntity(entity, frame, unknown, mapping.driving_table))
    connection.close()
    return MappingResult(mapped, skipped)

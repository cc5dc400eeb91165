"""Write entity rows into the landing layout, one folder per source and extract date.

The generator builds every entity as typed rows with an `_extract_on` date: the day that
version of the record was created or changed. This module turns them into what a source system
would have exported: a full extract on the first date (the latest version of every record up to
it), then one delta per day, each file formatted as the entity's contract says.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.contracts import Column, Entity, FileFormat, SourceContract
from ingestion.generator.timeline import Timeline, date_of

SUCCESS_MARKER = "_SUCCESS"
_EXTRACT_ON = "_extract_on"
_DAY = "_day"


@dataclass(frozen=True)
class WriteResult:
    """What the writer produced: entity files (markers not counted) and rows per entity."""

    files_written: int
    rows_by_entity: dict[str, int]


def write_extracts(
    tables: dict[str, pl.DataFrame],
    contracts: dict[str, SourceContract],
    landing_dir: Path,
    timeline: Timeline,
) -> WriteResult:
    """Write every entity of every contract for every extract date, then mark each folder done.

    `tables` maps "source.entity" to rows with the contract's columns plus `_extract_on`. Every
    entity gets a file in every folder, empty if nothing happened that day, so a reader can tell
    "no change" from "file missing"; `_SUCCESS` is written last so a sensor never picks up a
    half-written folder.
    """
    expected = {f"{s}.{e}" for s, c in contracts.items() for e in c.entities}
    if unknown := sorted(set(tables) - expected):
        raise ValueError(f"tables without a contract: {unknown}")
    if missing := sorted(expected - set(tables)):
        raise ValueError(f"contract entities the generator did not build: {missing}")
    files = 0
    rows: dict[str, int] = {}
    for source, contract in contracts.items():
        parts = {
            name: _by_extract_day(tables[f"{source}.{name}"], entity, timeline)
            for name, entity in contract.entities.items()
        }
        for day in timeline.extract_days:
            folder = landing_dir / source / date_of(day).isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            (folder / SUCCESS_MARKER).unlink(missing_ok=True)
            for name, entity in contract.entities.items():
                frame = parts[name].get(day, _empty(entity))
                _atomic_write(folder / entity.file_pattern, encode(frame, entity))
                rows[f"{source}.{name}"] = rows.get(f"{source}.{name}", 0) + frame.height
                files += 1
            _atomic_write(folder / SUCCESS_MARKER, b"")
    return WriteResult(files_written=files, rows_by_entity=rows)


def _by_extract_day(
    frame: pl.DataFrame, entity: Entity, timeline: Timeline
) -> dict[int, pl.DataFrame]:
    """Rows of each extract day, sorted by key; the first day holds the latest version of all.

    Raises if two versions of a record share a key on the same day: a source exports a record
    once per extract, so that would be a generator bug.
    """
    key = list(entity.key)
    frame = frame.with_columns(pl.col(_EXTRACT_ON).cast(pl.Date).cast(pl.Int64).alias(_DAY))
    frame = frame.filter(pl.col(_DAY) <= timeline.end)
    if frame.select(pl.struct([*key, _DAY]).is_duplicated().any()).item():
        raise ValueError(f"{entity.source}.{entity.name}: two versions of a key on one day")
    full = (
        frame.filter(pl.col(_DAY) <= timeline.start)
        .sort([*key, _DAY])
        .unique(subset=key, keep="last", maintain_order=True)
    )
    parts = {timeline.start: full.select(entity.column_names)}
    deltas = frame.filter(pl.col(_DAY) > timeline.start).sort([_DAY, *key])
    for (day,), part in deltas.partition_by(_DAY, as_dict=True, maintain_order=True).items():
        parts[int(day)] = part.select(entity.column_names)
    return parts


def _empty(entity: Entity) -> pl.DataFrame:
    return pl.DataFrame(schema={c.name: _typed_dtype(c) for c in entity.columns})


def encode(frame: pl.DataFrame, entity: Entity) -> bytes:
    """The bytes of one extract file of `entity` holding `frame` (canonical columns)."""
    fmt = entity.format
    if fmt.kind == "parquet":
        buffer = io.BytesIO()
        frame.select(_typed(c) for c in entity.columns).write_parquet(buffer, statistics=True)
        return buffer.getvalue()
    if fmt.kind == "jsonl":
        if frame.height == 0:
            return b""
        text = frame.select(_json_value(c, fmt) for c in entity.columns).write_ndjson()
        return text.encode(fmt.encoding)
    text = frame.select(_text(c, fmt) for c in entity.columns).write_csv(
        separator=fmt.separator, quote_style="necessary", null_value="", line_terminator="\n"
    )
    # strict: every generated string is meant to be representable in the file's encoding
    return text.encode(fmt.encoding)


def _typed_dtype(column: Column) -> pl.DataType:
    return {
        "string": pl.String(),
        "integer": pl.Int64(),
        "decimal": pl.Decimal(18, column.scale),
        "boolean": pl.Boolean(),
        "date": pl.Date(),
        "timestamp": pl.Datetime("us"),
    }[column.type]


def _typed(column: Column) -> pl.Expr:
    """A column with the Parquet type its contract declares (UTC timestamps, exact decimals)."""
    expr = pl.col(column.name)
    if column.type == "decimal":
        expr = expr.cast(pl.Float64).cast(pl.Decimal(18, column.scale))
    elif column.type == "timestamp":
        expr = expr.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    else:
        expr = expr.cast(_typed_dtype(column))
    return expr.alias(column.source_name)


def _json_value(column: Column, fmt: FileFormat) -> pl.Expr:
    """JSON-native values: numbers and booleans as such, dates and timestamps as strings."""
    expr = pl.col(column.name)
    if column.type in ("date", "timestamp"):
        return _text(column, fmt)
    if column.type == "decimal":
        expr = expr.cast(pl.Float64).round(column.scale)
    return expr.cast(_typed_dtype(column) if column.type != "decimal" else pl.Float64).alias(
        column.source_name
    )


def _text(column: Column, fmt: FileFormat) -> pl.Expr:
    """A column as the text the contract's format prescribes; nulls stay null (empty field)."""
    expr = pl.col(column.name)
    if column.type == "string":
        text = expr.cast(pl.String)
    elif column.type == "integer":
        text = expr.cast(pl.Int64).cast(pl.String)
    elif column.type == "decimal":
        # through an exact decimal so 1234.5 prints as "1234.50" at scale 2, never "1234.5"
        text = expr.cast(pl.Float64).cast(pl.Decimal(38, column.scale)).cast(pl.String)
        if fmt.decimal_mark != ".":
            text = text.str.replace(".", fmt.decimal_mark, literal=True)
    elif column.type == "boolean":
        text = (
            pl.when(expr.cast(pl.Boolean))
            .then(pl.lit(fmt.true_values[0]))
            .when(~expr.cast(pl.Boolean))
            .then(pl.lit(fmt.false_values[0]))
        )
    elif column.type == "date":
        text = expr.cast(pl.Date).dt.strftime(fmt.date_format)
    else:
        text = expr.cast(pl.Datetime("us")).dt.strftime(fmt.timestamp_format)
    return text.alias(column.source_name)


def _atomic_write(path: Path, payload: bytes) -> None:
    """Write to a hidden temporary name, then rename: readers never see a partial file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, path)

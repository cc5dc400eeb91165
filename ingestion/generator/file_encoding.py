"""Encode entity rows as the bytes of an extract file, in the format its contract declares.

CSV and JSON Lines rows are rendered as the source system would print them (decimal mark, date
format, true/false spelling, encoding), with the cells a row defect tagged replaced by their bad
text; Parquet keeps the contract's types. The writer appends these bytes block by block.
"""

from __future__ import annotations

import io

import polars as pl

from ingestion.contracts import Column, Entity, FileFormat
from ingestion.generator.tags import COLUMN, VALUE


def encode(frame: pl.DataFrame, entity: Entity) -> bytes:
    """The bytes of one complete extract file of `entity` holding `frame` (canonical columns)."""
    fmt = entity.format
    if fmt.kind == "parquet":
        buffer = io.BytesIO()
        frame.select(_typed(c) for c in entity.columns).write_parquet(buffer, statistics=True)
        return buffer.getvalue()
    header = b""
    if fmt.kind == "csv":
        header = (fmt.separator.join(c.source_name for c in entity.columns) + "\n").encode(
            fmt.encoding
        )
    return header + encode_rows(frame, entity)


def encode_rows(
    frame: pl.DataFrame, entity: Entity, added: tuple[str, pl.Expr] | None = None
) -> bytes:
    """The rows of a CSV or JSON Lines file (no header), malformed where tagged so."""
    fmt = entity.format
    if frame.height == 0:
        return b""
    if fmt.kind == "jsonl":
        values = [_json_value(c, fmt) for c in entity.columns]
    else:
        values = [_text(c, fmt) for c in entity.columns]
    if added:
        values.append(added[1].alias(added[0]))
    names = [c.source_name for c in entity.columns] + ([added[0]] if added else [])
    tags = [pl.col(c) for c in (COLUMN, VALUE) if c in frame.columns]
    text = frame.select(*values, *tags)
    if len(tags) == 2:
        text = _spoil(text, entity)
    text = text.select(names)
    if fmt.kind == "jsonl":
        return text.write_ndjson().encode(fmt.encoding)
    csv = text.write_csv(
        separator=fmt.separator,
        quote_style="necessary",
        null_value="",
        line_terminator="\n",
        include_header=False,
    )
    # strict: every generated string is meant to be representable in the file's encoding
    return csv.encode(fmt.encoding)


def empty_frame(entity: Entity) -> pl.DataFrame:
    """No rows, with the contract's types: what an entity's Parquet file holds on a quiet day."""
    return pl.DataFrame(schema={c.name: _typed_dtype(c) for c in entity.columns})


def _spoil(text: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """Replace the text of tagged cells: a fixed bad value, an empty key, a negated quantity."""
    targets = set(text[COLUMN].drop_nulls().unique().to_list())
    updates = []
    for column in entity.columns:
        if column.name not in targets:
            continue
        current = pl.col(column.source_name)
        bad = pl.coalesce(pl.col(VALUE), pl.concat_str(pl.lit("-"), current))
        if entity.format.kind == "jsonl":
            bad = pl.when(bad == "").then(None).otherwise(bad)
        updates.append(
            pl.when(pl.col(COLUMN) == column.name)
            .then(bad)
            .otherwise(current)
            .alias(column.source_name)
        )
    return text.with_columns(updates) if updates else text


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

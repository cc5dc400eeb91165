"""Type the text read from a file by its contract and split it into loaded and quarantined rows.

Casting is done with `strict=False` and then compared with the text: a value that was present but
came out null did not parse. Doing it this way (rather than letting a schema library coerce) keeps
every row's own reasons; one bad value never makes the whole column or file fail.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingestion.contracts import Column, Entity, FileFormat
from ingestion.readers import FIELD_COUNT, RAW_LINE, ROW_NUMBER

REASON = "_reason"
DECIMAL_PRECISION = 18


@dataclass(frozen=True)
class ValidatedRows:
    """Rows that passed the contract (typed) and rows that did not (with their reasons)."""

    loaded: pl.DataFrame
    quarantined: pl.DataFrame


def polars_dtype(column: Column) -> pl.DataType:
    """The Polars type a contract column is stored as in the raw Parquet."""
    return {
        "string": pl.String(),
        "integer": pl.Int64(),
        "decimal": pl.Decimal(DECIMAL_PRECISION, column.scale),
        "boolean": pl.Boolean(),
        "date": pl.Date(),
        "timestamp": pl.Datetime("us", "UTC"),
    }[column.type]


def _typed(column: Column, fmt: FileFormat) -> pl.Expr:
    text = pl.col(column.name)
    if column.type == "string":
        return text
    if column.type == "integer":
        return text.str.replace_all(" ", "", literal=True).cast(pl.Int64, strict=False)
    if column.type == "decimal":
        cleaned = text.str.replace_all(" ", "", literal=True)
        if fmt.decimal_mark != ".":
            cleaned = cleaned.str.replace_all(fmt.decimal_mark, ".", literal=True)
        return cleaned.cast(polars_dtype(column), strict=False)
    if column.type == "boolean":
        return (
            pl.when(text.is_in(list(fmt.true_values)))
            .then(True)
            .when(text.is_in(list(fmt.false_values)))
            .then(False)
            .otherwise(None)
        )
    if column.type == "date":
        return text.str.to_date(fmt.date_format, strict=False)
    return text.str.to_datetime(fmt.timestamp_format, strict=False, time_zone="UTC", time_unit="us")


def _reasons(entity: Entity, expected_fields: int | None) -> list[pl.Expr]:
    """One expression per check: the reason text when the row fails it, else null."""
    fmt = entity.format
    checks: list[pl.Expr] = []
    if expected_fields is not None:
        checks.append(
            pl.when(pl.col(FIELD_COUNT) != expected_fields).then(
                pl.format(f"expected {expected_fields} fields, found {{}}", pl.col(FIELD_COUNT))
            )
        )
    if entity.format.kind == "jsonl":
        checks.append(pl.when(pl.col(FIELD_COUNT) == 0).then(pl.lit("not a JSON object")))
    for col in entity.columns:
        text = pl.col(col.name)
        typed = pl.col(f"__typed_{col.name}")
        if col.required:
            checks.append(
                pl.when(text.is_null()).then(pl.lit(f"{col.name}: required value missing"))
            )
        if col.type != "string":
            fmt_hint = {"date": fmt.date_format, "timestamp": fmt.timestamp_format}.get(col.type)
            what = f"{col.type} ({fmt_hint})" if fmt_hint else col.type
            checks.append(
                pl.when(text.is_not_null() & typed.is_null()).then(
                    pl.format(f"{col.name}: cannot read '{{}}' as {what}", text)
                )
            )
        if col.minimum is not None:
            checks.append(
                pl.when(typed < col.minimum).then(
                    pl.format(f"{col.name}: {{}} is below the minimum {col.minimum}", text)
                )
            )
        if col.maximum is not None:
            checks.append(
                pl.when(typed > col.maximum).then(
                    pl.format(f"{col.name}: {{}} is above the maximum {col.maximum}", text)
                )
            )
        if col.allowed is not None:
            checks.append(
                pl.when(text.is_not_null() & ~text.is_in(list(col.allowed))).then(
                    pl.format(f"{col.name}: '{{}}' is not one of {', '.join(col.allowed)}", text)
                )
            )
    return checks


def validate_records(
    frame: pl.DataFrame, entity: Entity, expected_fields: int | None
) -> ValidatedRows:
    """Cast `frame` (text columns named as the contract) and check every row against it."""
    stripped = frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in entity.column_names
    )
    typed = stripped.with_columns(
        _typed(c, entity.format).alias(f"__typed_{c.name}") for c in entity.columns
    )
    checks = _reasons(entity, expected_fields)
    with_reason = typed.with_columns(
        pl.concat_str(checks, separator="; ", ignore_nulls=True).alias(REASON)
        if checks
        else pl.lit(None, dtype=pl.String).alias(REASON)
    ).with_columns(pl.col(REASON).replace("", None))
    good = with_reason.filter(pl.col(REASON).is_null())
    loaded = good.select(
        *(pl.col(f"__typed_{c.name}").cast(polars_dtype(c)).alias(c.name) for c in entity.columns),
        pl.col(ROW_NUMBER),
    )
    quarantined = with_reason.filter(pl.col(REASON).is_not_null()).select(
        ROW_NUMBER, RAW_LINE, REASON
    )
    return ValidatedRows(loaded=loaded, quarantined=quarantined)

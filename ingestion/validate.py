"""Type the text read from a file by its contract and split it into loaded and quarantined rows.

Two kinds of failure, each with its reason: the row cannot be read (wrong number of fields, not a
JSON object, a value that does not parse as its type), found here with Polars expressions; or a
value breaks a rule of the contract (required, bounds, allowed values), found by the pandera
schema in `ingestion.schema`. Casting uses `strict=False` and compares with the text, so one bad
value never makes the whole column or file fail (pandera's own `coerce` would).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingestion.contracts import Column, Entity, FileFormat
from ingestion.readers import FIELD_COUNT, RAW_LINE, ROW_NUMBER
from ingestion.schema import rule_failures

REASON = "_reason"
DECIMAL_PRECISION = 18
_INDEX = "__index"


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


def _number_text(text: pl.Expr, fmt: FileFormat) -> pl.Expr:
    """Remove thousands separators and make the decimal mark a point."""
    for separator in fmt.thousands_separators:
        text = text.str.replace_all(separator, "", literal=True)
    if fmt.decimal_mark != ".":
        text = text.str.replace_all(fmt.decimal_mark, ".", literal=True)
    return text


def _typed(column: Column, fmt: FileFormat) -> pl.Expr:
    text = pl.col(column.name)
    if column.type == "string":
        return text
    if column.type == "integer":
        return _number_text(text, fmt).cast(pl.Int64, strict=False)
    if column.type == "decimal":
        return _number_text(text, fmt).cast(polars_dtype(column), strict=False)
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


def _unparsed(column: Column) -> pl.Expr:
    """True where the file has a value that did not parse as the column's type."""
    return pl.col(column.name).is_not_null() & pl.col(f"__typed_{column.name}").is_null()


def _read_failures(entity: Entity, expected_fields: int | None) -> list[pl.Expr]:
    """One expression per structural or parsing check: the reason when the row fails, else null."""
    fmt = entity.format
    checks: list[pl.Expr] = []
    if expected_fields is not None:
        checks.append(
            pl.when(pl.col(FIELD_COUNT) != expected_fields).then(
                pl.format(f"expected {expected_fields} fields, found {{}}", pl.col(FIELD_COUNT))
            )
        )
    if fmt.kind == "jsonl":
        checks.append(pl.when(pl.col(FIELD_COUNT) == 0).then(pl.lit("not a JSON object")))
    for col in entity.columns:
        if col.type == "string":
            continue
        hint = {"date": fmt.date_format, "timestamp": fmt.timestamp_format}.get(col.type)
        what = f"{col.type} ({hint})" if hint else col.type
        checks.append(
            pl.when(_unparsed(col)).then(
                pl.format(f"{col.name}: cannot read '{{}}' as {what}", pl.col(col.name))
            )
        )
    return checks


def validate_records(
    frame: pl.DataFrame,
    entity: Entity,
    expected_fields: int | None,
    extra_columns: tuple[str, ...] = (),
) -> ValidatedRows:
    """Cast `frame` (text columns named as the contract) and check every row against it.

    `extra_columns` (added by the source, not in the contract) pass through as text.
    """
    text = frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in entity.column_names
    ).with_row_index(_INDEX)
    typed = text.with_columns(
        _typed(c, entity.format).alias(f"__typed_{c.name}") for c in entity.columns
    )
    checks = _read_failures(entity, expected_fields)
    typed = typed.with_columns(
        pl.concat_str(checks, separator="; ", ignore_nulls=True).replace("", None).alias(REASON)
        if checks
        else pl.lit(None, dtype=pl.String).alias(REASON)
    )
    values = typed.select(pl.col(f"__typed_{c.name}").alias(c.name) for c in entity.columns)
    typed_columns = [c for c in entity.columns if c.type != "string"]
    unparsed_pairs = (
        typed.select(_INDEX, *(_unparsed(c).alias(c.name) for c in typed_columns))
        .unpivot(index=_INDEX, variable_name="column", value_name="unparsed")
        .filter(pl.col("unparsed"))
        if typed_columns
        else pl.DataFrame(schema={_INDEX: pl.UInt32, "column": pl.String})
    )
    unparsed = set(zip(unparsed_pairs[_INDEX], unparsed_pairs["column"], strict=True))
    rules = rule_failures(values, text.select(entity.column_names), entity, unparsed)
    if rules:
        rule_reasons = pl.DataFrame(
            {_INDEX: list(rules), "__rules": ["; ".join(r) for r in rules.values()]},
            schema={_INDEX: pl.UInt32, "__rules": pl.String},
        )
        typed = typed.join(rule_reasons, on=_INDEX, how="left").with_columns(
            pl.concat_str([REASON, "__rules"], separator="; ", ignore_nulls=True)
            .replace("", None)
            .alias(REASON)
        )
    good = typed.filter(pl.col(REASON).is_null())
    loaded = good.select(
        *(pl.col(f"__typed_{c.name}").cast(polars_dtype(c)).alias(c.name) for c in entity.columns),
        *extra_columns,
        pl.col(ROW_NUMBER),
    )
    quarantined = typed.filter(pl.col(REASON).is_not_null()).select(ROW_NUMBER, RAW_LINE, REASON)
    return ValidatedRows(loaded=loaded, quarantined=quarantined)

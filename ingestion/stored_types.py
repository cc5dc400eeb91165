"""The Polars type each contract column type is stored as in the raw Parquet: one home.

Its own module, apart from validation: the readers of the raw area (the load log, the refresh's
"anything new?" check) need the types without the validation rules, whose import (pandera, and
pandas and pyspark through it) took 2 of the 2.8 seconds of a refresh that had nothing to do.
"""

from __future__ import annotations

import polars as pl

from ingestion.contracts import Column

DECIMAL_PRECISION = 18


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

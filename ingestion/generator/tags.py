"""Defect tags carried by generated rows until the writer records where each row landed.

A row of any entity table may carry `_defect` (one or more defect codes joined by `|`) and
`_defect_detail` (their explanations, joined by the unit separator). Malformed rows also name
the column to spoil (`_defect_column`) and, when it is a fixed text, what to write there
(`_defect_value`); the writer spoils the text when it encodes the file, after keys and days have
been used to cut the extracts, so a blanked key still lands where its row would have.
"""

from __future__ import annotations

import numpy as np
import polars as pl

DEFECT = "_defect"
DETAIL = "_defect_detail"
COLUMN = "_defect_column"
VALUE = "_defect_value"
TAG_COLUMNS: tuple[str, ...] = (DEFECT, DETAIL, COLUMN, VALUE)
CODE_SEPARATOR = "|"
DETAIL_SEPARATOR = "\x1f"


def with_tag_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every tag column present (null where absent)."""
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in TAG_COLUMNS if c not in frame]
    return frame.with_columns(missing) if missing else frame


def tag(
    frame: pl.DataFrame,
    mask: np.ndarray | pl.Series | pl.Expr,
    code: str,
    detail: pl.Expr | str,
    column: str | None = None,
    value: pl.Expr | str | None = None,
) -> pl.DataFrame:
    """Add defect `code` with its `detail` to the rows where `mask` is true."""
    frame = with_tag_columns(frame)
    if isinstance(mask, np.ndarray):
        mask = pl.Series(mask, dtype=pl.Boolean)
    where = mask if isinstance(mask, pl.Expr) else pl.lit(mask)
    detail_expr = pl.lit(detail) if isinstance(detail, str) else detail

    def appended(current: str, addition: pl.Expr, separator: str) -> pl.Expr:
        return (
            pl.when(~where)
            .then(pl.col(current))
            .when(pl.col(current).is_null())
            .then(addition)
            .otherwise(pl.concat_str(pl.col(current), pl.lit(separator), addition))
        )

    updates = [
        appended(DEFECT, pl.lit(code), CODE_SEPARATOR).alias(DEFECT),
        appended(DETAIL, detail_expr, DETAIL_SEPARATOR).alias(DETAIL),
    ]
    if column is not None:
        updates.append(pl.when(where).then(pl.lit(column)).otherwise(pl.col(COLUMN)).alias(COLUMN))
        value_expr = pl.lit(value, dtype=pl.String) if not isinstance(value, pl.Expr) else value
        updates.append(pl.when(where).then(value_expr).otherwise(pl.col(VALUE)).alias(VALUE))
    return frame.with_columns(updates)


def untagged(frame: pl.DataFrame) -> np.ndarray:
    """True for the rows that carry no defect yet."""
    if DEFECT not in frame.columns:
        return np.ones(frame.height, dtype=bool)
    return frame[DEFECT].is_null().to_numpy()

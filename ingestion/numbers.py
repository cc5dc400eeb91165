"""How a number is read from a file's text: separators, decimal mark, sign; what it may not hold.

The contract's format says how its files write numbers (`decimal_mark`, `thousands_separators`);
these are the rewrites that make such text castable, and the check that casting loses nothing.
"""

from __future__ import annotations

import polars as pl

from ingestion.contracts import Entity, FileFormat


def number_text(text: pl.Expr, fmt: FileFormat) -> pl.Expr:
    """Remove thousands separators and make the decimal mark a point."""
    for separator in fmt.thousands_separators:
        text = text.str.replace_all(separator, "", literal=True)
    if fmt.decimal_mark != ".":
        text = text.str.replace_all(fmt.decimal_mark, ".", literal=True)
    return text


def negative_text(text: pl.Expr) -> pl.Expr:
    """`1.234,56-` and `(1.234,56)` as `-1.234,56`; null for a text in neither form."""
    return pl.concat_str(
        pl.lit("-"),
        pl.when(text.str.ends_with("-"))
        .then(text.str.strip_suffix("-"))
        .when(text.str.starts_with("(") & text.str.ends_with(")"))
        .then(text.str.slice(1, text.str.len_chars() - 2)),
    )


def rounded_decimals(entity: Entity) -> list[pl.Expr]:
    """Decimals with more places than the column keeps, which the cast would round.

    Why: `10,005` under a scale of 2 was loaded as 10.00 without a word; in a file that writes
    thousands with a comma where the contract's decimal mark is one (`1,234` for 1234) that is
    a thousand-fold misreading. Trailing zeros (`10,000`) lose nothing and pass. A Parquet
    file's values are typed: a binary float's digits (`0.30000000000000004`) are not what its
    system meant, so its rounding to the scale stands.
    """
    checks: list[pl.Expr] = []
    for col in entity.columns:
        if col.type != "decimal" or entity.format.kind == "parquet":
            continue
        # A digit other than 0 after the kept places; a number with an exponent is left alone.
        beyond = rf"^[+-]?\(?\d*\.\d{{{col.scale}}}\d*[1-9]\d*\)?-?$"
        text = number_text(pl.col(col.name), entity.format)
        checks.append(
            pl.when(text.str.contains(beyond)).then(
                pl.format(
                    f"{col.name}: '{{}}' has more decimal places than the {col.scale} the "
                    "contract keeps",
                    pl.col(col.name),
                )
            )
        )
    return checks

"""Per-customer purchase summaries (frequency, recency, T, mean margin) from dated invoice lines.

A purchase is a distinct invoice date of the customer (invoice kind 'invoice'): several invoices
on one day are one buying occasion, which is what BG/NBD counts. Its margin is the gross margin
of that day's invoice lines. Times are in days.
"""

from __future__ import annotations

from datetime import date

import polars as pl

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "customer_key": pl.String(),
    "frequency": pl.Int64(),
    "recency_days": pl.Int64(),
    "t_days": pl.Int64(),
    "monetary_value": pl.Float64(),
}


def purchases(lines: pl.DataFrame, through: date) -> pl.DataFrame:
    """One row per customer and purchase day up to `through` (included): its gross margin.

    `lines` needs customer_key, invoice_kind, invoice_date and gross_margin (fct_invoice_lines).
    Credit notes are not purchases; their margin is left out of the purchases' (docs/clv.md).
    """
    return (
        lines.lazy()
        .filter(
            (pl.col("invoice_kind") == "invoice")
            & (pl.col("invoice_date") <= through)
            & pl.col("customer_key").is_not_null()
        )
        .group_by("customer_key", "invoice_date")
        .agg(pl.col("gross_margin").cast(pl.Float64).sum().alias("margin"))
        .collect()
    )


def summarise(lines: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Frequency (repeat purchases), recency_days, t_days and monetary_value per customer.

    monetary_value is the mean margin of the repeat purchases (the first one excluded, as the
    Gamma-Gamma model expects), null for customers with no repeat purchase.
    """
    days = purchases(lines, as_of)
    if days.is_empty():
        return pl.DataFrame(schema=SUMMARY_SCHEMA)
    return (
        days.lazy()
        .sort("customer_key", "invoice_date")
        .group_by("customer_key")
        .agg(
            (pl.len() - 1).cast(pl.Int64).alias("frequency"),
            pl.col("invoice_date").first().alias("first_date"),
            pl.col("invoice_date").last().alias("last_date"),
            pl.col("margin").slice(1).mean().alias("monetary_value"),
        )
        .select(
            "customer_key",
            "frequency",
            (pl.col("last_date") - pl.col("first_date")).dt.total_days().alias("recency_days"),
            (pl.lit(as_of) - pl.col("first_date")).dt.total_days().alias("t_days"),
            "monetary_value",
        )
        .sort("customer_key")
        .collect()
        .cast(SUMMARY_SCHEMA)
    )


def purchases_between(lines: pl.DataFrame, after: date, through: date) -> pl.DataFrame:
    """customer_key, purchases: purchase days in (after, through] per customer who bought."""
    return (
        purchases(lines, through)
        .filter(pl.col("invoice_date") > after)
        .group_by("customer_key")
        .agg(pl.len().cast(pl.Int64).alias("purchases"))
    )

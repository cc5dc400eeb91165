"""Purchases and per-customer summaries from invoice lines (clv.summary)."""

from datetime import date

import polars as pl

from clv.summary import purchases_between, summarise


def _lines(*rows: tuple[str, str, date, float]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema=["customer_key", "invoice_kind", "invoice_date", "gross_margin"],
        orient="row",
    )


LINES = _lines(
    ("A", "invoice", date(2026, 1, 1), 10.0),
    ("A", "invoice", date(2026, 1, 1), 5.0),  # same day: the same purchase
    ("A", "invoice", date(2026, 3, 1), 20.0),
    ("A", "credit_note", date(2026, 3, 5), -20.0),  # not a purchase
    ("A", "invoice", date(2026, 4, 1), -4.0),
    ("B", "invoice", date(2026, 2, 1), 7.0),
    ("C", "invoice", date(2026, 8, 1), 3.0),  # after the as-of date
    (None, "invoice", date(2026, 2, 1), 1.0),  # no customer
)


def test_a_summary_counts_purchase_days_and_averages_the_repeat_purchases_only():
    summary = summarise(LINES, date(2026, 7, 1))
    assert summary.rows() == [
        ("A", 2, 90, 181, 8.0),  # repeats: 20 and -4 (the first day's 15 is left out)
        ("B", 0, 0, 150, None),
    ]


def test_purchases_between_count_days_after_the_start_up_to_the_end_included():
    counted = purchases_between(LINES, date(2026, 1, 1), date(2026, 8, 1)).sort("customer_key")
    assert counted.rows() == [("A", 2), ("B", 1), ("C", 1)]


def test_no_purchase_gives_an_empty_summary_with_its_columns():
    summary = summarise(LINES.filter(pl.col("invoice_kind") == "credit_note"), date(2026, 7, 1))
    assert summary.is_empty()
    assert summary.columns == [
        "customer_key",
        "frequency",
        "recency_days",
        "t_days",
        "monetary_value",
    ]

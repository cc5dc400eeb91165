"""The CLV refit cadence: which boundary a day's fit is through, and when a stored fit is reused."""

import itertools
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clv.cadence import cadence_boundary, input_digest, reusable_fit
from clv.fit_store import FULL, HOLDOUT, fits_table
from clv.refresh_step import fit_input

AS_OF = date(2026, 9, 9)  # a Wednesday
MONDAY = date(2026, 9, 7)


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    """120 customers buying at exponential gaps (mean 45 days) until they stop."""
    rng = np.random.default_rng(3)
    rows = []
    for customer in range(120):
        day = date(2024, 6, 1) + timedelta(days=int(rng.integers(0, 600)))
        stops = day + timedelta(days=int(rng.exponential(1200)))
        while day <= AS_OF and day < stops:
            rows.append((f"K{customer:03d}", "invoice", day, float(rng.gamma(3, 150))))
            day += timedelta(days=int(rng.exponential(45)) + 1)
    return pl.DataFrame(
        rows, schema=["customer_key", "invoice_kind", "invoice_date", "gross_margin"], orient="row"
    )


def test_a_weekly_cadence_fits_through_the_monday_on_or_before_the_day():
    for offset in range(60):
        day = date(2026, 8, 1) + timedelta(days=offset)
        monday = day - timedelta(days=day.weekday())  # the oracle: Python's own weekday
        assert cadence_boundary(day, 7) == monday


def test_a_cadence_of_n_days_steps_every_n_days_and_one_day_is_every_day():
    days = [date(2026, 1, 1) + timedelta(days=offset) for offset in range(90)]
    assert [cadence_boundary(day, 1) for day in days] == days
    boundaries = sorted({cadence_boundary(day, 10) for day in days})
    assert {(b - a).days for a, b in itertools.pairwise(boundaries)} == {10}
    for day in days:
        assert 0 <= (day - cadence_boundary(day, 10)).days < 10
        assert cadence_boundary(cadence_boundary(day, 10), 10) == cadence_boundary(day, 10)
    with pytest.raises(ValueError, match="1 or more"):
        cadence_boundary(AS_OF, 0)


def test_the_digest_ignores_keys_and_row_order_but_not_a_purchase(lines):
    summary = fit_input(lines, MONDAY)
    renamed = summary.with_columns(("X" + pl.col("customer_key")).alias("customer_key"))
    assert input_digest(renamed.reverse()) == input_digest(summary)
    late = lines.vstack(
        pl.DataFrame(
            [("K000", "invoice", MONDAY - timedelta(days=3), 10.0)],
            schema=lines.schema,
            orient="row",
        )
    )
    assert input_digest(fit_input(late, MONDAY)) != input_digest(summary)


def test_a_stored_fit_is_reused_only_for_the_same_fit_boundary_and_input():
    stored = pl.DataFrame(
        {
            "fit": [FULL, HOLDOUT],
            "fitted_through": [MONDAY, date(2026, 3, 7)],
            "input_digest": ["abc", "def"],
        }
    )
    assert reusable_fit(stored, FULL, MONDAY, "abc") == stored.row(0, named=True)
    assert reusable_fit(stored, FULL, MONDAY, "other input") is None
    assert reusable_fit(stored, FULL, MONDAY - timedelta(days=7), "abc") is None
    assert reusable_fit(stored, HOLDOUT, MONDAY, "abc") is None
    assert reusable_fit(None, FULL, MONDAY, "abc") is None


def test_inside_the_week_the_stored_fit_is_reused_and_equals_a_fit_from_scratch(lines):
    monday = fits_table(lines, MONDAY, 7)
    wednesday_from_scratch = fits_table(lines, AS_OF, 7)
    wednesday_reusing = fits_table(lines, AS_OF, 7, stored=monday)
    assert_frame_equal(wednesday_reusing, wednesday_from_scratch)
    assert set(wednesday_reusing["fitted_through"]) == {MONDAY, date(2026, 3, 7)}
    assert set(wednesday_reusing["last_used_as_of"]) == {AS_OF}
    # A reused row is taken as stored, not refitted: a planted parameter comes back unchanged.
    planted = monday.with_columns(pl.lit(123.0).alias("bg_nbd_r"))
    assert set(fits_table(lines, AS_OF, 7, stored=planted)["bg_nbd_r"]) == {123.0}
    # Across the boundary, or on another input, the planted row is not used.
    next_monday = MONDAY + timedelta(days=7)
    assert 123.0 not in fits_table(lines, next_monday, 7, stored=planted)["bg_nbd_r"].to_list()
    fewer = lines.filter(pl.col("customer_key") != "K001")
    assert 123.0 not in fits_table(fewer, AS_OF, 7, stored=planted)["bg_nbd_r"].to_list()


def test_before_any_purchase_by_the_boundary_the_fit_is_through_the_as_of_date(lines):
    first = lines["invoice_date"].min()
    assert first.weekday() != 0  # the fixture's first purchase is after its week's Monday
    fits = fits_table(lines.filter(pl.col("invoice_date") <= first), first, 7)
    assert fits.filter(pl.col("fit") == FULL)["fitted_through"].to_list() == [first]

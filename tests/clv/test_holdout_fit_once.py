"""The holdout calibration fit, computed once (int_clv_holdout), read by both quality tables."""

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from clv.holdout import deciles_from, fit_quality_from, holdout_table
from clv.refresh_step import fit, score
from clv.summary import summarise

AS_OF = date(2026, 9, 4)
CALIBRATION_END = date(2026, 3, 4)


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    """200 customers buying at exponential gaps (mean 60 days) until they stop."""
    rng = np.random.default_rng(7)
    rows = []
    for customer in range(200):
        day = date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 700)))
        stops = day + timedelta(days=int(rng.exponential(1500)))
        while day <= AS_OF and day < stops:
            rows.append((f"K{customer:03d}", "invoice", day, float(rng.gamma(3, 200))))
            day += timedelta(days=int(rng.exponential(60)) + 1)
    return pl.DataFrame(
        rows, schema=["customer_key", "invoice_kind", "invoice_date", "gross_margin"], orient="row"
    )


def test_the_holdout_table_has_each_customer_known_at_the_calibration_end_once(lines):
    holdout = holdout_table(lines, AS_OF)
    known = lines.filter(pl.col("invoice_date") <= CALIBRATION_END)["customer_key"].unique()
    assert sorted(holdout["customer_key"]) == sorted(known)
    later = lines.filter(
        (pl.col("invoice_date") > CALIBRATION_END) & pl.col("customer_key").is_in(known.implode())
    )
    assert (
        holdout["actual_purchases"].sum()
        == later.select(pl.struct("customer_key", "invoice_date").n_unique()).item()
    )


def test_the_calibration_fit_figures_are_the_fit_on_the_calibration_history(lines):
    holdout = holdout_table(lines, AS_OF)
    expected = fit(summarise(lines, CALIBRATION_END)).bg_nbd
    for column, value in (("bg_nbd_r", expected.r), ("bg_nbd_a", expected.a)):
        assert holdout[column].unique().to_list() == [pytest.approx(value)]
    assert set(holdout["holdout_start_date"]) == {CALIBRATION_END}
    assert set(holdout["holdout_end_date"]) == {AS_OF}


def test_both_quality_tables_come_from_the_one_holdout_table(lines):
    holdout = holdout_table(lines, AS_OF)
    deciles = deciles_from(holdout)
    scores = score(lines, AS_OF, horizon_months=12, annual_discount_rate=0.1)
    quality = fit_quality_from(scores, holdout)
    [row] = quality.filter(pl.col("fit") == "holdout_calibration").rows(named=True)
    assert row["customers"] == deciles["customers"].sum() == holdout.height
    assert row["actual_holdout_purchases"] == deciles["actual_purchases"].sum()
    assert row["predicted_holdout_purchases"] == pytest.approx(holdout["predicted_purchases"].sum())
    # Reading the table back from the warehouse (any row order) gives the same deciles.
    assert_frame_equal(deciles_from(holdout.reverse()), deciles)


def test_no_history_gives_an_empty_holdout_and_no_holdout_row(lines):
    empty = holdout_table(lines, None)
    assert empty.is_empty()
    assert deciles_from(empty).is_empty()
    scores = score(lines, AS_OF, horizon_months=12, annual_discount_rate=0.1)
    assert fit_quality_from(scores, empty)["fit"].to_list() == ["full"]


def test_the_full_fit_row_is_the_fit_behind_the_scores(lines):
    scores = score(lines, AS_OF, horizon_months=12, annual_discount_rate=0.1)
    [row] = (
        fit_quality_from(scores, holdout_table(lines, AS_OF))
        .filter(pl.col("fit") == "full")
        .rows(named=True)
    )
    expected = fit(summarise(lines, AS_OF))
    assert row["bg_nbd_r"] == pytest.approx(expected.bg_nbd.r)
    assert row["gamma_gamma_q"] == pytest.approx(expected.gamma_gamma.q)
    assert row["customers"] == scores.height
    assert row["repeat_customers"] == (scores["frequency"] > 0).sum()
    assert row["fitted_through"] == AS_OF

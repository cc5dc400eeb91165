"""The holdout test and fit-quality rows (clv.holdout) on a simulated purchase history."""

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from clv.holdout import calibration_end, decile_calibration, fit_quality
from clv.refresh_step import score

AS_OF = date(2026, 9, 4)


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    """300 customers buying at exponential gaps (mean 90 days) until they stop."""
    rng = np.random.default_rng(1)
    rows = []
    for customer in range(300):
        day = date(2023, 10, 1) + timedelta(days=int(rng.integers(0, 900)))
        stops = day + timedelta(days=int(rng.exponential(2000)))
        while day <= AS_OF and day < stops:
            rows.append((f"K{customer:03d}", "invoice", day, float(rng.gamma(3, 300))))
            day += timedelta(days=int(rng.exponential(90)) + 1)
    return pl.DataFrame(
        rows, schema=["customer_key", "invoice_kind", "invoice_date", "gross_margin"], orient="row"
    )


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 9, 4), date(2026, 3, 4)),
        (date(2026, 8, 31), date(2026, 2, 28)),  # clipped to the month's last day
        (date(2026, 3, 15), date(2025, 9, 15)),  # across a year
    ],
)
def test_the_calibration_ends_six_calendar_months_before_the_as_of_date(as_of, expected):
    assert calibration_end(as_of) == expected


def test_deciles_split_the_calibration_customers_and_add_up_to_the_holdout_totals(lines):
    deciles = decile_calibration(lines, AS_OF)
    [holdout] = (
        fit_quality(lines, AS_OF).filter(pl.col("fit") == "holdout_calibration").rows(named=True)
    )
    known = lines.filter(pl.col("invoice_date") <= date(2026, 3, 4))["customer_key"].n_unique()
    actual = lines.filter(
        (pl.col("invoice_date") > date(2026, 3, 4))
        & pl.col("customer_key").is_in(
            lines.filter(pl.col("invoice_date") <= date(2026, 3, 4))["customer_key"].implode()
        )
    ).height
    assert deciles["decile"].to_list() == list(range(1, 11))
    assert deciles["customers"].sum() == holdout["customers"] == known
    assert deciles["actual_purchases"].sum() == holdout["actual_holdout_purchases"] == actual
    assert deciles["predicted_purchases"].sum() == pytest.approx(
        holdout["predicted_holdout_purchases"]
    )
    # Ranked by prediction: the mean prediction never falls from one decile to the next.
    assert deciles["mean_predicted_purchases"].is_sorted()


def test_on_purchases_close_to_the_model_the_holdout_total_is_within_ten_percent(lines):
    [holdout] = (
        fit_quality(lines, AS_OF).filter(pl.col("fit") == "holdout_calibration").rows(named=True)
    )
    assert abs(holdout["holdout_error_pct"]) < 10
    assert holdout["bg_nbd_converged"]


def test_scores_use_the_given_horizon_and_rate_and_keep_every_customer(lines):
    short = score(lines, AS_OF, horizon_months=12, annual_discount_rate=0.10)
    long = score(lines, AS_OF, horizon_months=36, annual_discount_rate=0.10)
    assert short.height == long.height == lines["customer_key"].n_unique()
    assert (long["predicted_clv"] > short["predicted_clv"]).all()
    assert set(long["horizon_months"]) == {36}
    assert set(long["as_of_date"]) == {AS_OF}


def test_nothing_to_score_gives_empty_tables_with_their_columns(lines):
    assert score(lines.clear(), AS_OF, 36, 0.1).is_empty()
    assert score(lines, None, 36, 0.1).is_empty()
    assert fit_quality(lines, None).is_empty()
    assert decile_calibration(lines.clear(), AS_OF).is_empty()

"""clv against the published CDNOW results (Fader, Hardie and Lee 2005; README of the data)."""

import polars as pl
import pytest

from clv import expected_purchases, fit_bg_nbd, fit_gamma_gamma, p_alive
from clv.summary import summarise
from tests.clv.cdnow import CALIBRATION_END, sample_purchases, summary


@pytest.fixture(scope="module")
def cdnow() -> pl.DataFrame:
    return summary()


@pytest.fixture(scope="module")
def bg_nbd(cdnow):
    return fit_bg_nbd(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_bg_nbd_reproduces_the_published_parameters_and_log_likelihood(bg_nbd):
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {name: round(getattr(bg_nbd, name), 3) for name in published} == published
    assert round(bg_nbd.log_likelihood, 1) == -9582.4
    assert bg_nbd.customers == 2357
    assert bg_nbd.converged


def test_gamma_gamma_reproduces_the_published_parameters_on_the_repeat_customers(cdnow):
    fit = fit_gamma_gamma(cdnow["x"], cdnow["zbar"])
    assert (round(fit.p, 2), round(fit.q, 2)) == (6.25, 3.74)
    assert fit.gamma == pytest.approx(15.44, abs=0.01)
    assert fit.customers == 946  # x > 0: the one-time buyers carry no spend information


def test_the_paper_s_worked_example_expects_1_226_purchases_in_the_next_39_weeks(bg_nbd):
    # FHL 2005, section 5: a customer with x = 2, t_x = 30.43, T = 38.86 weeks.
    [expected] = expected_purchases(bg_nbd, [2], [30.43], [38.86], 39.0)
    assert round(float(expected), 3) == 1.226


def test_one_time_buyers_are_alive_and_repeat_buyers_silent_for_long_are_probably_not(bg_nbd):
    alive = p_alive(bg_nbd, [0, 2, 2], [0.0, 38.0, 2.0], [38.86, 38.86, 38.86])
    r, alpha, a, b = bg_nbd.r, bg_nbd.alpha, bg_nbd.a, bg_nbd.b
    by_hand = [
        1 / (1 + a / (b + 1) * ((alpha + 38.86) / (alpha + t_x)) ** (r + 2)) for t_x in (38, 2)
    ]
    assert list(alive) == pytest.approx([1.0, *by_hand], rel=1e-12)
    assert alive[1] > 0.8 > 0.5 > alive[2]


def test_summaries_rebuilt_from_the_raw_purchases_match_the_published_summary(cdnow):
    rebuilt = (
        summarise(sample_purchases(), CALIBRATION_END)
        .with_columns(pl.col("customer_key").cast(pl.Int64).alias("ID"))
        .join(cdnow, on="ID", how="full")
    )
    assert rebuilt.height == cdnow.height == 2357
    assert (rebuilt["frequency"] == rebuilt["x"]).all()
    # The published file rounds weeks to two decimals: days / 7 agrees to within that.
    assert ((rebuilt["recency_days"] / 7 - rebuilt["t_x"]).abs() < 0.005).all()
    assert ((rebuilt["t_days"] / 7 - rebuilt["T"]).abs() < 0.005).all()
    repeat = rebuilt.filter(pl.col("x") > 0)
    assert ((repeat["monetary_value"] - repeat["zbar"]).abs() <= 0.005 + 1e-9).all()


def test_gamma_gamma_on_means_recomputed_from_the_raw_purchases_stays_within_a_cent(cdnow):
    rebuilt = summarise(sample_purchases(), CALIBRATION_END)
    fit = fit_gamma_gamma(rebuilt["frequency"], rebuilt["monetary_value"].fill_null(0.0))
    assert (round(fit.p, 2), round(fit.q, 2)) == (6.25, 3.74)
    assert fit.gamma == pytest.approx(15.44, abs=0.01)

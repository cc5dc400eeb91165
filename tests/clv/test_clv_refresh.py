"""Predicted CLV in the refresh, on the session's generated company, against the extracts.

The purchase history is rebuilt in plain Polars from the landing ERP files (the integration
oracle's readers), not from the warehouse; the fit is redone on it with the library and must
give the parameters the refresh recorded. The refresh refits weekly (C360_CLV_REFIT_DAYS'
default): the fit is through the Monday on or before the as-of date, computed here from Python's
weekday. Margins are checked against fct_invoice_lines in SQL.
"""

import datetime as dt

import polars as pl
import pytest

from clv import BgNbdFit, expected_purchases, fit_bg_nbd, p_alive
from clv.holdout import calibration_end
from clv.value import DAYS_PER_MONTH
from tests.conftest import published
from tests.integration.oracle import _latest, _read_erp


@pytest.fixture
def purchase_days(settings) -> tuple[pl.DataFrame, dt.date]:
    """(customer_key, invoice_date) of every purchase day, and the newest ERP extract date."""
    landing = settings.landing_dir
    invoices = _latest(_read_erp(landing, "invoices"), ["invoice_number"])
    lines = _latest(_read_erp(landing, "invoice_lines"), ["invoice_number", "line_number"])
    keys = published(
        settings,
        "select source_record_id as customer_number, customer_key "
        "from marts.bridge_customer_sources where source_system = 'erp'",
    )
    days = (
        invoices.filter((pl.col("kind") == "invoice") & (pl.col("status") != "cancelled"))
        .join(lines.select("invoice_number").unique(), on="invoice_number")
        .join(keys, on="customer_number")
        .select("customer_key", pl.col("invoice_date").str.to_date("%d/%m/%Y"))
        .unique()
    )
    as_of = max(dt.date.fromisoformat(p.name) for p in (landing / "erp").iterdir())
    return days, as_of


def _oracle_summary(days: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    return (
        days.filter(pl.col("invoice_date") <= as_of)
        .group_by("customer_key")
        .agg(
            (pl.len() - 1).alias("frequency"),
            (pl.col("invoice_date").max() - pl.col("invoice_date").min())
            .dt.total_days()
            .alias("recency_days"),
            (pl.lit(as_of) - pl.col("invoice_date").min()).dt.total_days().alias("t_days"),
        )
        .sort("customer_key")
    )


def test_every_customer_s_purchase_history_matches_the_extracts(settings, purchase_days):
    days, as_of = purchase_days
    expected = _oracle_summary(days, as_of)
    actual = published(
        settings,
        "select customer_key, frequency, recency_days, t_days, as_of_date "
        "from marts.fct_customer_clv order by customer_key",
    )
    assert actual.height == expected.height >= 50
    assert set(actual["as_of_date"]) == {as_of}
    assert actual.drop("as_of_date").rows() == expected.rows()


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def test_the_recorded_fit_is_the_maximum_likelihood_fit_of_the_history_to_monday(
    settings, purchase_days
):
    days, as_of = purchase_days
    summary = _oracle_summary(days, monday_of(as_of))
    refit = fit_bg_nbd(summary["frequency"], summary["recency_days"], summary["t_days"])
    [full] = published(settings, "select * from quality.clv_fit_quality where fit = 'full'").rows(
        named=True
    )
    assert full["fitted_through"] == monday_of(as_of) < as_of
    assert full["customers"] == refit.customers == summary.height
    assert full["bg_nbd_log_likelihood"] == pytest.approx(refit.log_likelihood, abs=1e-6)
    assert full["bg_nbd_r"] == pytest.approx(refit.r, rel=1e-6)
    assert full["bg_nbd_alpha_days"] == pytest.approx(refit.alpha, rel=1e-6)
    assert full["gamma_gamma_customers"] > 0


def test_p_alive_and_expected_purchases_follow_from_the_recorded_fit(settings):
    [full] = published(settings, "select * from quality.clv_fit_quality where fit = 'full'").rows(
        named=True
    )
    scored = published(settings, "select * from marts.fct_customer_clv")
    fit = BgNbdFit(
        r=full["bg_nbd_r"],
        alpha=full["bg_nbd_alpha_days"],
        a=full["bg_nbd_a"],
        b=full["bg_nbd_b"],
        log_likelihood=0.0,
        customers=0,
        converged=True,
    )
    args = (fit, scored["frequency"], scored["recency_days"], scored["t_days"])
    assert list(scored["p_alive"]) == pytest.approx(list(p_alive(*args)), rel=1e-9)
    horizon = expected_purchases(*args, 36 * DAYS_PER_MONTH)
    assert list(scored["expected_purchases"]) == pytest.approx(list(horizon), rel=1e-9)
    assert set(scored["horizon_months"]) == {36}
    assert set(scored["annual_discount_rate"]) == {0.1}


def test_monetary_value_is_the_mean_margin_of_the_repeat_purchase_days(settings):
    check = published(
        settings,
        """
        with days as (
            select customer_key, invoice_date, sum(gross_margin) as margin,
                row_number() over (partition by customer_key order by invoice_date) as n
            from marts.fct_invoice_lines
            where invoice_kind = 'invoice'
            group by customer_key, invoice_date
        )
        select clv.customer_key, clv.monetary_value,
            avg(days.margin) filter (where days.n > 1) as expected
        from marts.fct_customer_clv as clv
        inner join days on clv.customer_key = days.customer_key
        group by clv.customer_key, clv.monetary_value
        """,
    )
    repeat = check.filter(pl.col("expected").is_not_null())
    assert repeat.height > 20
    assert (
        (repeat["monetary_value"].cast(pl.Float64) - repeat["expected"].cast(pl.Float64)).abs()
        <= 0.005 + 1e-9
    ).all()
    assert check.filter(pl.col("expected").is_null())["monetary_value"].null_count() == (
        check["expected"].null_count()
    )


def test_dim_customers_carries_each_customer_s_clv_and_null_for_the_never_invoiced(settings):
    joined = published(
        settings,
        "select dim.customer_key, dim.predicted_clv, dim.p_alive, dim.first_invoice_date, "
        "clv.predicted_clv as clv_value, clv.p_alive as clv_p_alive "
        "from marts.dim_customers as dim "
        "left join marts.fct_customer_clv as clv on dim.customer_key = clv.customer_key",
    )
    scored = joined.filter(pl.col("clv_value").is_not_null())
    assert scored.height > 0
    assert (scored["predicted_clv"] == scored["clv_value"]).all()
    assert (scored["p_alive"] == scored["clv_p_alive"]).all()
    unscored = joined.filter(pl.col("clv_value").is_null())
    assert unscored["predicted_clv"].null_count() == unscored.height
    assert unscored["first_invoice_date"].null_count() == unscored.height


def test_the_holdout_counts_the_actual_purchase_days_of_the_six_months_to_monday(
    settings, purchase_days
):
    days, as_of = purchase_days
    monday = monday_of(as_of)
    end = calibration_end(monday)
    known = days.filter(pl.col("invoice_date") <= end)["customer_key"].unique()
    actual = days.filter(
        (pl.col("invoice_date") > end)
        & (pl.col("invoice_date") <= monday)
        & pl.col("customer_key").is_in(known.implode())
    ).height
    [row] = published(
        settings, "select * from quality.clv_fit_quality where fit = 'holdout_calibration'"
    ).rows(named=True)
    deciles = published(settings, "select * from quality.clv_holdout_calibration order by decile")
    assert (row["holdout_start_date"], row["holdout_end_date"]) == (end, monday)
    assert row["customers"] == known.len() == deciles["customers"].sum()
    assert row["actual_holdout_purchases"] == actual == deciles["actual_purchases"].sum()
    assert row["predicted_holdout_purchases"] == pytest.approx(deciles["predicted_purchases"].sum())
    assert deciles["decile"].to_list() == list(range(1, 11))

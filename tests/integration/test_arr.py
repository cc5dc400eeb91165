"""Recurring revenue marts on the shared generated company, against a Polars oracle."""

from decimal import Decimal

import pytest

from c360.settings import Settings
from tests.conftest import published
from tests.integration.arr_oracle import arr_by_organisation_and_month, arr_retention
from tests.integration.test_finance import organisation_of_customer


def query(settings: Settings, sql: str) -> list[tuple]:
    return published(settings, sql).rows()


def test_mrr_and_arr_per_customer_and_month_match_an_independent_computation_to_the_cent(
    settings,
):
    expected, calendar = arr_by_organisation_and_month(settings.landing_dir, settings.truth_dir)
    previous = {(org, month): arr for (org, month), (_, arr) in expected.items()}
    published = {
        key: value
        for key, value in expected.items()
        if value[1] > 0 or previous.get((key[0], calendar[calendar.index(key[1]) - 1]), 0) > 0
    }
    org_of = organisation_of_customer(settings)
    rows = query(settings, "select customer_key, month, mrr, arr from marts.rpt_arr_monthly")
    actual = {(org_of[key], month): (mrr, arr) for key, month, mrr, arr in rows}
    assert len(actual) == len(rows), "two customers of one organisation"
    assert actual == published
    assert sum(1 for mrr, _ in actual.values() if mrr > 0) >= 100


def test_nrr_and_grr_on_arr_match_an_independent_computation(settings):
    arr, calendar = arr_by_organisation_and_month(settings.landing_dir, settings.truth_dir)
    expected = arr_retention(arr, calendar)
    rows = query(
        settings,
        "select month, nrr_12m, grr_12m from marts.rpt_kpi_monthly where nrr_12m is not null",
    )
    assert {month for month, _, _ in rows} == set(expected)
    for month, nrr, grr in rows:
        assert nrr == pytest.approx(float(expected[month][0]), abs=1e-12), month
        assert grr == pytest.approx(float(expected[month][1]), abs=1e-12), month
        assert grr <= 1
    assert len(rows) >= 6


def test_the_arr_bridge_reconciles_every_month_and_closes_at_the_customers_arr(settings):
    bridge = query(
        settings,
        "select month, opening_arr, new_arr, expansion_arr, contraction_arr, churned_arr, "
        "reactivation_arr, closing_arr from marts.rpt_arr_bridge order by month",
    )
    customers = dict(
        query(settings, "select month, sum(arr) from marts.rpt_arr_monthly group by month")
    )
    closing_before = Decimal(0)
    for month, opening, new, expansion, contraction, churn, reactivation, closing in bridge:
        assert opening == closing_before, month
        assert opening + new + expansion - contraction - churn + reactivation == closing, month
        assert closing == customers.get(month, Decimal(0)), month
        closing_before = closing
    assert sum(row[2] for row in bridge) > 0
    assert sum(row[3] for row in bridge) > 0 and sum(row[5] for row in bridge) > 0


def test_the_kpi_marts_arr_is_the_bridges_closing_arr(settings):
    rows = query(
        settings,
        "select k.arr, b.closing_arr from marts.rpt_kpi_monthly as k "
        "full join marts.rpt_arr_bridge as b on k.month = b.month",
    )
    assert rows and all(arr == closing for arr, closing in rows)
    assert max(arr for arr, _ in rows) > 0

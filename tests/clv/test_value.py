"""Discounted CLV: monthly increments of expected purchases, discounted month by month."""

import pytest

from clv import BgNbdFit, discounted_clv, expected_purchases, monthly_discount_rate
from clv.value import DAYS_PER_MONTH

FIT = BgNbdFit(r=1.2, alpha=90.0, a=0.8, b=6.0, log_likelihood=0.0, customers=0, converged=True)
CUSTOMERS = ([0, 4, 4], [0.0, 300.0, 20.0], [120.0, 400.0, 400.0])


def test_the_monthly_rate_compounds_to_the_annual_rate():
    assert monthly_discount_rate(0.10) == pytest.approx(0.0079741404)
    assert (1 + monthly_discount_rate(0.10)) ** 12 == pytest.approx(1.10)


def test_without_discounting_clv_is_margin_times_the_purchases_expected_over_the_horizon():
    clv = discounted_clv(FIT, [100.0, 100.0, 100.0], *CUSTOMERS, months=36, annual_discount_rate=0)
    purchases = expected_purchases(FIT, *CUSTOMERS, 36 * DAYS_PER_MONTH)
    assert list(clv) == pytest.approx(list(100.0 * purchases))


def test_one_month_horizon_is_discounted_by_one_month():
    clv = discounted_clv(FIT, [50.0] * 3, *CUSTOMERS, months=1, annual_discount_rate=0.10)
    purchases = expected_purchases(FIT, *CUSTOMERS, DAYS_PER_MONTH)
    assert list(clv) == pytest.approx(list(50.0 * purchases / 1.10 ** (1 / 12)))


def test_discounting_lowers_clv_and_a_longer_horizon_raises_it():
    margin = [100.0] * 3
    plain = discounted_clv(FIT, margin, *CUSTOMERS, months=36, annual_discount_rate=0)
    discounted = discounted_clv(FIT, margin, *CUSTOMERS, months=36, annual_discount_rate=0.10)
    longer = discounted_clv(FIT, margin, *CUSTOMERS, months=48, annual_discount_rate=0.10)
    assert (discounted < plain).all()
    assert (longer > discounted).all()


def test_a_loss_making_customer_has_a_negative_clv():
    [clv] = discounted_clv(FIT, [-20.0], [3], [200.0], [250.0])
    assert clv < 0

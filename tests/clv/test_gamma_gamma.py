"""Gamma-Gamma fit and the expected margin per purchase on edge cases."""

import numpy as np
import pytest

from clv import GammaGammaFit, expected_margin_per_purchase, fit_gamma_gamma

FIT = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0, customers=0, converged=True)


def test_only_repeat_customers_with_a_positive_mean_feed_the_fit():
    frequency = [2, 1, 5, 3, 1, 4]
    means = [20.0, 35.5, 12.0, 50.0, 18.0, 27.0]
    alone = fit_gamma_gamma(frequency, means)
    with_others = fit_gamma_gamma(
        [*frequency, 0, 0, 2, 3],
        [*means, 0.0, 99.0, -15.0, 0.0],  # one-time buyers, a loss-making and a zero mean
    )
    assert with_others == alone
    assert alone.customers == 6


def test_a_fit_with_no_repeat_customer_of_positive_value_is_refused():
    with pytest.raises(ValueError, match="repeat purchases"):
        fit_gamma_gamma([0, 0, 3], [0.0, 0.0, -2.0])


def test_the_fit_recovers_the_parameters_of_simulated_spend():
    rng = np.random.default_rng(3)
    p, q, gamma, n = 4.0, 5.0, 200.0, 5000
    scales = rng.gamma(q, 1 / gamma, n)  # nu per customer
    frequency = rng.integers(1, 8, n)
    means = np.array(
        [rng.gamma(p, 1 / nu, x).mean() for nu, x in zip(scales, frequency, strict=True)]
    )
    fit = fit_gamma_gamma(frequency, means)
    assert fit.p == pytest.approx(p, rel=0.1)
    assert fit.p * fit.gamma / (fit.q - 1) == pytest.approx(p * gamma / (q - 1), rel=0.05)


def test_expected_margin_shrinks_a_repeat_customer_s_mean_towards_the_population():
    population = 6.25 * 15.44 / (3.74 - 1)
    one, many = expected_margin_per_purchase(FIT, [1, 50], [100.0, 100.0])
    assert population < one < many < 100.0
    assert one == pytest.approx(6.25 * (15.44 + 100.0) / (6.25 + 3.74 - 1))


def test_a_customer_with_no_repeat_purchase_is_expected_to_earn_the_population_mean():
    margin = expected_margin_per_purchase(FIT, [0, 0], [0.0, float("nan")])
    assert list(margin) == pytest.approx([6.25 * 15.44 / 2.74] * 2)


def test_a_repeat_customer_losing_money_keeps_its_own_mean():
    assert list(expected_margin_per_purchase(FIT, [2, 1], [-40.0, 0.0])) == [-40.0, 0.0]


def test_with_q_at_most_one_the_observed_positive_means_stand_in_for_the_population():
    heavy_tail = GammaGammaFit(
        p=2.0, q=0.9, gamma=10.0, log_likelihood=0.0, customers=0, converged=True
    )
    margin = expected_margin_per_purchase(heavy_tail, [0, 2, 3], [0.0, 10.0, 30.0])
    assert margin[0] == 20.0

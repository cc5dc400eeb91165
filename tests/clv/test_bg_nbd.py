"""BG/NBD fit and predictions on edge cases, checked against a simulation of the model itself."""

import numpy as np
import pytest

from clv import BgNbdFit, expected_purchases, fit_bg_nbd, p_alive

CDNOW_FIT = BgNbdFit(
    r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, customers=0, converged=True
)


def _simulate_purchases(fit: BgNbdFit, horizon: float, customers: int, seed: int) -> float:
    """Mean purchases after the first, within `horizon`, of customers drawn from the model."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(fit.r, 1 / fit.alpha, customers)
    dropouts = rng.beta(fit.a, fit.b, customers)
    total = 0
    for rate, dropout in zip(rates, dropouts, strict=True):
        time = rng.exponential(1 / rate)
        while time <= horizon:
            total += 1
            if rng.random() < dropout:
                break
            time += rng.exponential(1 / rate)
    return total / customers


def test_expected_purchases_of_a_new_customer_agree_with_a_simulation_of_the_model():
    # A customer just acquired (x = 0, t_x = 0, T = 0): the model's unconditional E[X(t)].
    [formula] = expected_purchases(CDNOW_FIT, [0], [0.0], [0.0], 52.0)
    simulated = _simulate_purchases(CDNOW_FIT, 52.0, customers=200_000, seed=1)
    assert formula == pytest.approx(simulated, rel=0.02)


def test_a_customer_with_one_purchase_is_alive_and_expected_to_buy_less_as_time_passes():
    alive = p_alive(CDNOW_FIT, [0, 0], [0.0, 0.0], [1.0, 30.0])
    assert list(alive) == [1.0, 1.0]
    soon, later = expected_purchases(CDNOW_FIT, [0, 0], [0.0, 0.0], [1.0, 30.0], 10.0)
    assert soon > later > 0


def test_expected_purchases_are_zero_over_no_time_and_grow_with_the_horizon():
    args = (CDNOW_FIT, [3], [20.0], [30.0])
    assert expected_purchases(*args, 0.0)[0] == 0.0
    one, two, ten = (expected_purchases(*args, t)[0] for t in (1.0, 2.0, 10.0))
    assert 0 < one < two < ten


def test_the_fit_recovers_the_parameters_of_simulated_customers():
    rng = np.random.default_rng(7)
    truth = {"r": 1.5, "alpha": 40.0, "a": 2.0, "b": 8.0}
    n, horizon = 4000, 365.0
    rates = rng.gamma(truth["r"], 1 / truth["alpha"], n)
    dropouts = rng.beta(truth["a"], truth["b"], n)
    starts = rng.uniform(0, 200, n)
    frequency, recency = np.zeros(n), np.zeros(n)
    age = horizon - starts
    for i in range(n):
        time = rng.exponential(1 / rates[i])
        while time <= age[i]:
            frequency[i] += 1
            recency[i] = time
            if rng.random() < dropouts[i]:
                break
            time += rng.exponential(1 / rates[i])
    fit = fit_bg_nbd(frequency, recency, age)
    assert fit.r == pytest.approx(truth["r"], rel=0.15)
    assert fit.alpha == pytest.approx(truth["alpha"], rel=0.2)
    assert fit.a / (fit.a + fit.b) == pytest.approx(0.2, rel=0.2)  # mean dropout probability


@pytest.mark.parametrize(
    ("frequency", "recency", "T"),
    [
        ([1, 2], [1.0], [3.0, 4.0]),  # lengths differ
        ([], [], []),  # nobody
        ([2], [5.0], [4.0]),  # last purchase after the end
        ([0], [2.0], [4.0]),  # a one-time buyer with a recency
        ([-1], [0.0], [4.0]),
    ],
)
def test_impossible_inputs_are_refused(frequency, recency, T):  # noqa: N803
    with pytest.raises(ValueError):
        fit_bg_nbd(frequency, recency, T)

"""The analytic gradients the fits use equal the numerical derivative of their likelihoods."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from clv import bg_nbd, gamma_gamma


@pytest.fixture(scope="module")
def customers() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 12, 400).astype(float)
    t_cal = rng.uniform(0.2, 3.0, 400)
    t_x = np.where(x > 0, rng.uniform(0, 1, 400) * t_cal, 0.0)
    weights = rng.integers(1, 4, 400).astype(float)
    return x, t_x, t_cal, weights


@pytest.mark.parametrize("log_params", [[0.0, 0.0, 0.0, 0.0], [0.3, -0.5, 1.2, 2.0]])
def test_bg_nbd_objective_is_the_weighted_likelihood_with_its_gradient(customers, log_params):
    x, t_x, t_cal, weights = customers
    objective = bg_nbd.negative_log_likelihood(x, t_x, t_cal, weights)
    point = np.array(log_params)
    value, gradient = objective(point)
    expected = -(weights * bg_nbd.bg_nbd_log_likelihood(np.exp(point), x, t_x, t_cal)).sum()
    assert value == pytest.approx(expected, rel=1e-12)
    numeric = approx_fprime(point, lambda p: objective(p)[0], 1e-7)
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-4)


@pytest.mark.parametrize("log_params", [[0.0, 0.0, 0.0], [0.3, -0.5, 1.2]])
def test_gamma_gamma_objective_is_the_likelihood_with_its_gradient(customers, log_params):
    x, _, _, _ = customers
    z = np.random.default_rng(4).gamma(2.0, 1.0, x.size)
    x, z = x[x > 0], z[x > 0]
    objective = gamma_gamma.negative_log_likelihood(x, z)
    point = np.array(log_params)
    value, gradient = objective(point)
    expected = -gamma_gamma.gamma_gamma_log_likelihood(np.exp(point), x, z).sum()
    assert value == pytest.approx(expected, rel=1e-12)
    numeric = approx_fprime(point, lambda p: objective(p)[0], 1e-7)
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-4)

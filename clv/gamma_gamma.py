"""Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV"; Fader and Hardie's note).

A customer's transaction values are Gamma(p, nu) around its own mean, with nu ~ Gamma(q, gamma)
across customers; the observed mean zbar of x transactions has a closed-form marginal density.
Fitted on repeat customers only (x > 0), whose mean is over their repeat purchases, with
positive means (the density is defined for zbar > 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln

from clv._optimise import Objective, as_array, maximise


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted Gamma-Gamma parameters (gamma in the money unit of the data) and fit statistics."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    customers: int
    converged: bool


def gamma_gamma_log_likelihood(
    params: tuple[float, float, float], frequency: np.ndarray, monetary_value: np.ndarray
) -> np.ndarray:
    """Each customer's log density of its mean value zbar given x transactions."""
    p, q, gamma = params
    x, z = frequency, monetary_value
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(gamma)
        + (p * x - 1) * np.log(z)
        + p * x * np.log(x)
        - (p * x + q) * np.log(gamma + x * z)
    )


def negative_log_likelihood(x: np.ndarray, z: np.ndarray) -> Objective:
    """The fit's objective: -sum of the log densities and its gradient in log-parameters.

    With psi the digamma function: d/dp = x (psi(px+q) - psi(px) + ln z + ln x - ln(gamma+xz));
    d/dq = psi(px+q) - psi(q) + ln(gamma) - ln(gamma+xz); d/dgamma = q/gamma - (px+q)/(gamma+xz);
    each multiplied by its parameter (the chain rule for the log scale).
    """
    log_x, log_z = np.log(x), np.log(z)

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(log_params)
        p, q, gamma = params
        value = gamma_gamma_log_likelihood((p, q, gamma), x, z).sum()
        log_total = np.log(gamma + x * z)
        shared = digamma(p * x + q)
        gradient = np.array(
            [
                (x * (shared - digamma(p * x) + log_z + log_x - log_total)).sum(),
                (shared - digamma(q) + np.log(gamma) - log_total).sum(),
                (q / gamma - (p * x + q) / (gamma + x * z)).sum(),
            ]
        )
        return -float(value), -gradient * params

    return objective


def fit_gamma_gamma(frequency: object, monetary_value: object) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma parameters on the customers with x > 0 and zbar > 0.

    Customers with no repeat purchase carry no spend information and are skipped, as are
    non-positive means (outside the model; the caller decides what they are worth).
    Values are rescaled to a mean of 1 for the search (gamma is a pure scale).

    Raises:
        ValueError: inputs of different lengths, or no customer the model can use.
    """
    x, z = as_array(frequency), as_array(monetary_value)
    if x.shape != z.shape:
        raise ValueError("frequency and monetary_value need the same length")
    usable = (x > 0) & (z > 0)
    if not usable.any():
        raise ValueError("Gamma-Gamma needs customers with repeat purchases of positive value")
    x, z = x[usable], z[usable]
    scale = float(z.mean())

    objective = negative_log_likelihood(x, z / scale)
    (p, q, gamma), converged = maximise(objective, np.zeros(3))
    gamma *= scale
    log_likelihood = float(gamma_gamma_log_likelihood((p, q, gamma), x, z).sum())
    return GammaGammaFit(
        p=float(p),
        q=float(q),
        gamma=float(gamma),
        log_likelihood=log_likelihood,
        customers=int(x.size),
        converged=converged,
    )

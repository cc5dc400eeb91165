"""BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy way").

While alive, a customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); after each
purchase it drops out with probability p ~ Beta(a, b). Inputs per customer, in one time unit:
`frequency` x (repeat purchases), `recency` t_x (first to last purchase), `T` (first purchase to
the end of observation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, gammaln

from clv._optimise import Objective, as_array, maximise


@dataclass(frozen=True)
class BgNbdFit:
    """Fitted BG/NBD parameters (alpha in the time unit of the data) and the fit's statistics."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int
    converged: bool


def bg_nbd_log_likelihood(
    params: tuple[float, float, float, float],
    frequency: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,  # noqa: N803 - the literature's name
) -> np.ndarray:
    """Each customer's log-likelihood, equation (6) of the paper, computed in logs.

    A1 carries the purchase counts, A2 the dropout odds; the two terms (alive throughout, or
    dropped out just after the last purchase) are added with logaddexp so large frequencies
    and long histories do not underflow.
    """
    r, alpha, a, b = params
    x = frequency
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    alive, dropped = _terms(params, x, recency, T)
    return a1 + a2 + np.logaddexp(alive, dropped)


def _terms(
    params: tuple[float, float, float, float],
    x: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,  # noqa: N803
) -> tuple[np.ndarray, np.ndarray]:
    """The two terms of equation (6) in logs: alive throughout, dropped out after the last buy."""
    r, alpha, a, b = params
    alive = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + recency),
            -np.inf,
        )
    return alive, dropped


def _dot(left: np.ndarray, right: np.ndarray) -> float:
    """Sum of products, without BLAS.

    A multithreaded BLAS dot of two 1-D arrays took 2 ms instead of 0.05 on a loaded 2-core
    machine (thread hand-offs), and the fit takes a dozen per step.
    """
    return float(np.einsum("i,i->", left, right))


def negative_log_likelihood(
    x: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,  # noqa: N803
    weights: np.ndarray,
) -> Objective:
    """The fit's objective: -sum(weights x log-likelihood) and its gradient in log-parameters.

    Derivatives of equation (6), with w the share of the alive term in each customer's
    likelihood (1 - w for the dropout term, 0 when x = 0), psi the digamma function:
    d/dr = psi(r+x) - psi(r) + ln(alpha) - w ln(alpha+T) - (1-w) ln(alpha+t_x);
    d/dalpha = r/alpha - (r+x) (w/(alpha+T) + (1-w)/(alpha+t_x));
    d/da = psi(a+b) - psi(a+b+x) + (1-w)/a;
    d/db = psi(b+x) - psi(b) + psi(a+b) - psi(a+b+x) - (1-w)/(b+x-1).
    Each is multiplied by its parameter, the chain rule for the log scale.
    """
    # The special functions depend on x alone, which takes few distinct values (purchase
    # counts): they are evaluated once per distinct x and gathered, not once per customer.
    distinct_x, index = np.unique(x, return_inverse=True)
    weights_by_x = np.bincount(index, weights=weights)

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(log_params)
        r, alpha, a, b = params
        alive, dropped = _terms((r, alpha, a, b), x, recency, T)
        both = np.logaddexp(alive, dropped)
        w = np.exp(alive - both)
        d = 1.0 - w  # the dropout term's share, 0 where x = 0 (dropped is -inf)
        wd = weights * d
        ww = weights * w
        by_x = weights_by_x  # customers (weights) per distinct x
        counts_term = gammaln(r + distinct_x) + betaln(a, b + distinct_x)
        value = _dot(by_x, counts_term) + weights.sum() * (
            r * np.log(alpha) - gammaln(r) - betaln(a, b)
        )
        value += _dot(weights, both)
        psi_r = digamma(r + distinct_x)
        psi_abx = digamma(a + b + distinct_x)
        psi_bx = digamma(b + distinct_x)
        total = weights.sum()
        rx = r + x
        d_r = (
            _dot(by_x, psi_r)
            + total * (np.log(alpha) - digamma(r))
            - _dot(ww, np.log(alpha + T))
            - _dot(wd, np.log(alpha + recency))
        )
        d_alpha = (
            total * r / alpha
            - _dot(ww * rx, 1.0 / (alpha + T))
            - _dot(wd * rx, 1.0 / (alpha + recency))
        )
        d_a = total * digamma(a + b) - _dot(by_x, psi_abx) + wd.sum() / a
        d_b = (
            _dot(by_x, psi_bx - psi_abx)
            + total * (digamma(a + b) - digamma(b))
            - _dot(wd, 1.0 / np.maximum(b + x - 1, 1e-300))
        )
        gradient = np.array([d_r, d_alpha, d_a, d_b])
        return -float(value), -gradient * params

    return objective


def _validate(frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> None:  # noqa: N803
    if not (frequency.shape == recency.shape == T.shape) or frequency.size == 0:
        raise ValueError("frequency, recency and T need the same, non-zero length")
    if (frequency < 0).any() or (recency < 0).any() or (recency > T).any():
        raise ValueError("need frequency >= 0 and 0 <= recency <= T")
    if ((frequency == 0) & (recency > 0)).any():
        raise ValueError("a customer with no repeat purchase has recency 0")


def fit_bg_nbd(
    frequency: object,
    recency: object,
    T: object,  # noqa: N803
) -> BgNbdFit:
    """Maximum-likelihood BG/NBD parameters for customers' (frequency, recency, T).

    Times are rescaled to a mean T of 1 for the search (alpha is a pure time scale, so it is
    scaled back after); the log-likelihood is reported in the caller's time unit, the figure
    papers publish.

    Raises:
        ValueError: inputs of different lengths, empty, or impossible (recency above T).
    """
    x, t_x, t_cal = as_array(frequency), as_array(recency), as_array(T)
    _validate(x, t_x, t_cal)
    scale = float(t_cal.mean()) or 1.0
    # Customers with the same (x, t_x, T) have the same likelihood: each distinct triple is
    # evaluated once, weighted by its count (about a quarter fewer rows at 100,000 customers).
    triples, counts = np.unique(np.column_stack([x, t_x, t_cal]), axis=0, return_counts=True)
    objective = negative_log_likelihood(
        triples[:, 0], triples[:, 1] / scale, triples[:, 2] / scale, counts.astype(np.float64)
    )
    (r, alpha, a, b), converged = maximise(objective, np.zeros(4))
    alpha *= scale
    log_likelihood = float(bg_nbd_log_likelihood((r, alpha, a, b), x, t_x, t_cal).sum())
    return BgNbdFit(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=log_likelihood,
        customers=int(x.size),
        converged=converged,
    )

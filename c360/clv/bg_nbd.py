"""BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy way").

While alive, a customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); after each
purchase it drops out with probability p ~ Beta(a, b). Inputs per customer, in one time unit:
`frequency` x (repeat purchases), `recency` t_x (first to last purchase), `T` (first purchase to
the end of observation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, gammaln

from c360.clv._optimise import as_array, maximise


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
    alive = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + recency),
            -np.inf,
        )
    return a1 + a2 + np.logaddexp(alive, dropped)


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

    def negative(log_params: np.ndarray) -> float:
        value = bg_nbd_log_likelihood(np.exp(log_params), x, t_x / scale, t_cal / scale).sum()
        return -value if np.isfinite(value) else 1e300

    (r, alpha, a, b), converged = maximise(negative, np.zeros(4))
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

"""From fitted parameters to each customer's P(alive), expected purchases, margin and CLV.

Formulas: BG/NBD equations (10) and (13) of Fader, Hardie and Lee (2005); the Gamma-Gamma
conditional mean of their "RFM and CLV" paper. Times are in the unit the BG/NBD was fitted in.
"""

from __future__ import annotations

import numpy as np
from scipy.special import hyp2f1

from clv._optimise import as_array
from clv.bg_nbd import BgNbdFit
from clv.gamma_gamma import GammaGammaFit

DAYS_PER_MONTH = 365.25 / 12


def p_alive(
    fit: BgNbdFit,
    frequency: object,
    recency: object,
    T: object,  # noqa: N803
) -> np.ndarray:
    """Probability that each customer is still alive at T (1 for customers with no repeat).

    BG/NBD lets a customer drop out only just after a purchase, so one with a single purchase
    cannot have left yet: that is the model, not a bug (its expected purchases still fall).
    """
    x, t_x, t_cal = as_array(frequency), as_array(recency), as_array(T)
    odds = (
        fit.a
        / np.maximum(fit.b + x - 1, 1e-300)
        * np.exp((fit.r + x) * (np.log(fit.alpha + t_cal) - np.log(fit.alpha + t_x)))
    )
    return np.where(x > 0, 1.0 / (1.0 + odds), 1.0)


def expected_purchases(
    fit: BgNbdFit,
    frequency: object,
    recency: object,
    T: object,  # noqa: N803
    t: float,
) -> np.ndarray:
    """Expected purchases of each customer in the next `t` time units (after T).

    The formula divides by a - 1; at exactly a = 1 it is nudged by 1e-9, where the limit is.
    """
    x, t_x, t_cal = as_array(frequency), as_array(recency), as_array(T)
    if t <= 0:
        return np.zeros_like(x)
    r, alpha, b = fit.r, fit.alpha, fit.b
    a = fit.a if abs(fit.a - 1.0) > 1e-9 else 1.0 + 1e-9
    z = t / (alpha + t_cal + t)
    tail = np.exp((r + x) * np.log1p(-z)) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    numerator = (a + b + x - 1) / (a - 1) * (1.0 - tail)
    return numerator * p_alive(fit, x, t_x, t_cal)


def expected_margin_per_purchase(
    fit: GammaGammaFit, frequency: object, monetary_value: object
) -> np.ndarray:
    """Expected margin of each customer's future purchases.

    - repeat customers with a positive mean: the Gamma-Gamma conditional mean, their own mean
      shrunk towards the population's, more so the fewer purchases they made;
    - no repeat purchase (or no mean): the population mean p * gamma / (q - 1);
    - a non-positive mean: the customer's own mean, kept as it is. The model cannot take them,
      and giving them the population's mean would reward exactly the customers who lost money
      on every repeat purchase; their CLV comes out negative or zero, which is the warning.

    When q <= 1 the population mean is infinite; the mean of the positive observed means
    stands in for it (docs/clv.md).
    """
    x = as_array(frequency)
    z = np.nan_to_num(as_array(monetary_value), nan=0.0)
    positive = (x > 0) & (z > 0)
    if fit.q > 1:
        population = fit.p * fit.gamma / (fit.q - 1)
    else:
        population = float(z[positive].mean()) if positive.any() else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional = fit.p * (fit.gamma + x * z) / (fit.p * x + fit.q - 1)
    return np.where(positive, conditional, np.where(x > 0, z, population))


def monthly_discount_rate(annual_rate: float) -> float:
    """The monthly rate that compounds to `annual_rate` over twelve months (10 % → 0.797 %)."""
    return (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0


def discounted_clv(
    fit: BgNbdFit,
    margin_per_purchase: object,
    frequency: object,
    recency: object,
    T: object,  # noqa: N803
    *,
    months: int = 36,
    annual_discount_rate: float = 0.10,
    units_per_month: float = DAYS_PER_MONTH,
) -> np.ndarray:
    """Present value of each customer's expected margin over the next `months` months.

    Month m's expected purchases (E[Y(m)] - E[Y(m-1)]) times the margin per purchase,
    discounted to today at the end of month m at the monthly equivalent of the annual rate.
    `units_per_month` converts months into the BG/NBD's time unit (days by default).
    """
    margin = as_array(margin_per_purchase)
    rate = monthly_discount_rate(annual_discount_rate)
    cumulative = [
        expected_purchases(fit, frequency, recency, T, m * units_per_month)
        for m in range(months + 1)
    ]
    present = sum(
        (cumulative[m] - cumulative[m - 1]) / (1.0 + rate) ** m for m in range(1, months + 1)
    )
    return margin * present

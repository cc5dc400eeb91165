"""Exact money arithmetic in integer minor units (cents) and hundredths of quantity.

Amounts are computed as integers and only turned into decimals when written, so that every
`net_amount` in the extracts equals `round(quantity * unit_price * (1 - discount_pct / 100), 2)`
exactly (rounding half away from zero, as DuckDB's `round` on decimals does) instead of drifting
by a cent through binary floating point.
"""

from __future__ import annotations

import numpy as np

VAT_PERCENT = 20


def net_cents(q100: np.ndarray, price_cents: np.ndarray, discount_pct: np.ndarray) -> np.ndarray:
    """Net line amount in cents from quantity in hundredths, unit price in cents, whole-% discount.

    net = q100/100 * price_cents/100 * (100 - d)/100 currency units = q100 * price_cents *
    (100 - d) / 10_000 cents; all operands are non-negative, so `(x + 5_000) // 10_000` rounds
    half up, which is half away from zero here.
    """
    scaled = q100.astype(np.int64) * price_cents.astype(np.int64) * (100 - discount_pct)
    return (scaled + 5_000) // 10_000


def tax_cents(net: np.ndarray) -> np.ndarray:
    """Output VAT in cents: `round(net_amount * 0.2, 2)`, half away from zero (net is >= 0)."""
    return (net.astype(np.int64) * VAT_PERCENT + 50) // 100


def to_amount(cents: np.ndarray) -> np.ndarray:
    """Cents to currency units as floats; exact to the cent when cast to a 2-decimal type."""
    return cents.astype(np.float64) / 100.0

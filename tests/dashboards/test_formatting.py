"""The number formats the tiles share: money, and a change in money as a tile's delta."""

import math
from decimal import Decimal

import pytest

from dashboards.formatting import money, money_change


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234567.891"), "1.23 M EUR"),
        (-45_600.0, "-45.60 k EUR"),
        (789.4, "789 EUR"),
        (-789.6, "-790 EUR"),
        (-0.0000001, "0 EUR"),  # a sum of doubles a hair below zero
        (-0.4, "0 EUR"),
        (-0.0, "0 EUR"),
        (None, "—"),
        (math.nan, "—"),
    ],
)
def test_money_reads_compactly_and_never_as_minus_zero(value, shown):
    assert money(value, "EUR") == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-0.0000001, None),
        (0.49, None),
        (None, None),
        (math.nan, None),
        (-12.5, "-12 EUR"),  # half to even, as money rounds it
        (Decimal("-1500"), "-1.50 k EUR"),
        (0.51, "1 EUR"),
    ],
)
def test_a_change_that_reads_as_zero_has_no_delta(value, shown):
    assert money_change(value, "EUR") == shown

"""The ranges a believable B2B company's measures fall in: one table for truth and marts.

`plausibility.business_measures` computes the measures from the generator's truth; the marts'
range test (tests/integration/test_business_ranges.py) reads the same measures from what
readers see. Both are judged by this table, so a range changes in one place; docs/generator.md
gives the publication behind each.
"""

from __future__ import annotations

# 12-month retention on ARR: a month is in range when its ratio is inside these bounds.
GRR_MONTHLY_RANGE: tuple[float, float] = (0.80, 0.97)
NRR_MONTHLY_RANGE: tuple[float, float] = (0.95, 1.25)
# "Most months": at least 9 of the last 12 complete months in range.
MOST_MONTHS_PCT = 75.0

# measure -> (lowest, highest) plausible value, bounds included
MEASURE_RANGES: dict[str, tuple[float, float]] = {
    "whale_peak_pct": (130.0, 300.0),
    "negative_contribution_pct": (5.0, 25.0),
    "grr_months_in_range_pct": (MOST_MONTHS_PCT, 100.0),
    "nrr_months_in_range_pct": (MOST_MONTHS_PCT, 100.0),
    "gross_margin_pct": (40.0, 70.0),
    "win_rate_pct": (15.0, 35.0),
    "dso_days": (35.0, 75.0),
    "utilisation_pct": (60.0, 85.0),
}


def out_of_range(measures: dict[str, float]) -> dict[str, str]:
    """The ranged measures outside their range (or missing), each with its value and range.

    Empty when the company is plausible on every measure, so a test asserts it is empty and its
    message names every miss at once, not only the first.
    """
    misses = {}
    for name, (low, high) in MEASURE_RANGES.items():
        value = measures.get(name)
        if value is None or not low <= value <= high:
            misses[name] = f"{value} not in [{low}, {high}]"
    return misses

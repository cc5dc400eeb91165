"""The consultants who log time on customer projects, with their cost and bill rates."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.identifiers import format_ids
from ingestion.generator.people import draw_people, full_names
from ingestion.generator.pools import CONSULTING_TEAMS
from ingestion.generator.randomness import rng_for
from ingestion.generator.timeline import Timeline, date_series

CUSTOMERS_PER_CONSULTANT = 33
WEEKLY_CAPACITY_HOURS = (35.0, 37.5, 38.0, 39.0, 40.0)


def build_employees(customers: int, timeline: Timeline, seed: int) -> pl.DataFrame:
    """`erp.employees`: one consultant per ~33 customers (at least 8), all present from the start.

    A fifth of customers run a project of a few months; this staffing keeps the consultants'
    utilisation (billable / capacity hours) near 70% (docs/generator.md). The bill rate is
    1.7-2.5 times the hourly cost, rounded to 5 EUR as rate cards are.
    """
    rng = rng_for(seed, "erp.employees")
    n = max(8, customers // CUSTOMERS_PER_CONSULTANT)
    cost = np.round(rng.uniform(35.0, 75.0, n), 2)
    bill = np.round(cost * rng.uniform(1.7, 2.5, n) / 5.0) * 5.0
    names = full_names(*draw_people(rng, n))
    return pl.DataFrame(
        {
            "employee_id": format_ids("E", np.arange(1, n + 1), 5),
            "name": names,
            "department": pl.Series(CONSULTING_TEAMS).gather(
                rng.integers(0, len(CONSULTING_TEAMS), n)
            ),
            "cost_rate_per_hour": cost,
            "bill_rate_per_hour": bill,
            "weekly_capacity_hours": pl.Series(WEEKLY_CAPACITY_HOURS).gather(
                rng.integers(0, len(WEEKLY_CAPACITY_HOURS), n)
            ),
            "_extract_on": date_series(np.full(n, timeline.history_start)),
        }
    )

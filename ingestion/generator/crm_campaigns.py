"""Marketing campaigns: monthly campaigns per channel, their budgets and actual costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.arrays import group_offsets, pick_in_groups
from ingestion.generator.identifiers import sequence_ids
from ingestion.generator.pools import CAMPAIGN_THEMES, CHANNEL_COST_FACTORS, CHANNELS
from ingestion.generator.randomness import pick_weighted, rng_for
from ingestion.generator.timeline import (
    Timeline,
    date_series,
    first_day,
    last_day,
    month_of,
    seasonal_factor,
)


@dataclass(frozen=True)
class Campaigns:
    """Campaigns in start-month order; each starts on the 1st and runs one to three months."""

    frame: pl.DataFrame
    first_month: int
    month_offsets: np.ndarray
    month_counts: np.ndarray

    def pick(self, days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A campaign that started in each day's month (so is running that day), or -1."""
        months = np.clip(month_of(days) - self.first_month, 0, self.month_counts.size - 1)
        return pick_in_groups(rng, self.month_offsets, self.month_counts, months)


def build_campaigns(customers: int, timeline: Timeline, seed: int) -> Campaigns:
    """About 0.7 campaigns per channel and month, more for a larger company and in busy months.

    Budgets are 1,000-10,000 EUR scaled by the channel's cost; the actual cost lands within
    -25%/+10% of budget and is only known once the campaign has ended.
    """
    rng = rng_for(seed, "crm.campaigns")
    n_months = timeline.last_month - timeline.first_month + 1
    months = np.arange(n_months) + timeline.first_month
    rate = (0.7 + customers / 4_000) * seasonal_factor(first_day(months))
    counts = rng.poisson(np.repeat(rate[:, None], len(CHANNELS), axis=1)).reshape(-1)
    cell = np.repeat(np.arange(counts.size), counts)
    month_rel, channel = np.divmod(cell, len(CHANNELS))
    n = cell.size
    start = first_day(month_rel + timeline.first_month)
    duration = pick_weighted(rng, (0.5, 0.3, 0.2), n) + 1
    end = last_day(month_rel + timeline.first_month + duration - 1)
    factor = np.asarray(CHANNEL_COST_FACTORS)[channel]
    budget = np.round(rng.uniform(1_000.0, 10_000.0, n) * factor / 100.0) * 100.0
    actual = np.round(budget * rng.uniform(0.75, 1.10, n), 2)
    channels = pl.Series(CHANNELS).gather(channel)
    frame = pl.DataFrame(
        {
            "campaign_id": sequence_ids("701", 12, start, channel, np.arange(n)),
            "channel": channels,
            "start_date": date_series(start),
            "end_date": date_series(end),
            "budgeted_cost": budget,
            "actual_cost": actual,
            "currency": ["EUR"] * n,
            "theme": pl.Series(CAMPAIGN_THEMES).gather(rng.integers(0, len(CAMPAIGN_THEMES), n)),
            "start_day": start,
            "end_day": end,
        }
    ).with_columns(
        name=pl.concat_str(
            "channel",
            pl.lit(" - "),
            "theme",
            pl.lit(" "),
            pl.col("start_date").dt.strftime("%Y-%m"),
        )
    )
    offsets, sizes = group_offsets(month_rel, n_months)
    return Campaigns(frame, timeline.first_month, offsets, sizes)


def campaigns_table(campaigns: Campaigns) -> pl.DataFrame:
    """`crm.campaigns`: planned on its start date without actual cost, updated when it ends."""
    columns = [
        "campaign_id",
        "name",
        "channel",
        "start_date",
        "end_date",
        "budgeted_cost",
        "actual_cost",
        "currency",
    ]
    frame = campaigns.frame
    planned = frame.select(columns).with_columns(
        actual_cost=pl.lit(None, dtype=pl.Float64), _extract_on=frame["start_date"]
    )
    closed = frame.select(columns).with_columns(_extract_on=frame["end_date"])
    return pl.concat([planned, closed])


def campaign_ids(campaigns: Campaigns, rows: np.ndarray) -> pl.Series:
    """Campaign id of each campaign row, null where the row is -1."""
    ids = campaigns.frame["campaign_id"].gather(np.maximum(rows, 0))
    return pl.select(pl.when(pl.Series(rows >= 0)).then(ids)).to_series()

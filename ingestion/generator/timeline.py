"""Days, months and timestamps of the simulation, held as integers for vectorised arithmetic.

A day is the number of days since 1970-01-01 (what Polars stores in a `Date`), a timestamp the
number of seconds since the epoch in UTC, a month the number of months since January 1970 (what
NumPy's `datetime64[M]` stores). Keeping them as int64 arrays lets 100,000 customers' worth of
events be shifted and compared without a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86_400
NO_DAY = -1_000_000  # sentinel for "no such event"; far before any real day, so comparisons fail


def day_number(value: date) -> int:
    """Days since 1970-01-01 of a calendar date."""
    return (value - EPOCH).days


def date_of(day: int) -> date:
    """Calendar date of a day number."""
    return EPOCH + timedelta(days=int(day))


def month_of(days: np.ndarray) -> np.ndarray:
    """Month number (months since January 1970) of each day."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)


def first_day(months: np.ndarray) -> np.ndarray:
    """First day of each month number."""
    return np.asarray(months, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)


def last_day(months: np.ndarray) -> np.ndarray:
    """Last day of each month number."""
    return first_day(np.asarray(months) + 1) - 1


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def weekday(days: np.ndarray) -> np.ndarray:
    """ISO weekday index, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
    return (np.asarray(days) + 3) % 7


def office_seconds(days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A timestamp during office hours (08:00-18:00 UTC) on each day, in epoch seconds."""
    days = np.asarray(days, dtype=np.int64)
    return days * SECONDS_PER_DAY + rng.integers(8 * 3600, 18 * 3600, size=days.shape)


def date_series(days: np.ndarray, present: np.ndarray | None = None) -> pl.Series:
    """A Polars `Date` series from day numbers; days where `present` is False become null."""
    series = pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)
    return series if present is None else with_nulls(series, present)


def datetime_series(seconds: np.ndarray, present: np.ndarray | None = None) -> pl.Series:
    """A Polars `Datetime` (UTC, naive) series from epoch seconds; null where not `present`."""
    series = pl.from_epoch(pl.Series(np.asarray(seconds, dtype=np.int64)), time_unit="s")
    return series if present is None else with_nulls(series, present)


def with_nulls(series: pl.Series, present: np.ndarray) -> pl.Series:
    """Replace the values of `series` by null where `present` is False."""
    return pl.select(
        pl.when(pl.Series(np.asarray(present, dtype=bool))).then(series).otherwise(None)
    ).to_series()


def amount_series(values: np.ndarray, present: np.ndarray | None = None) -> pl.Series:
    """A Float64 series of decimals; null where not `present`."""
    series = pl.Series(np.asarray(values, dtype=np.float64))
    return series if present is None else with_nulls(series, present)


@dataclass(frozen=True)
class Timeline:
    """The simulated period: history from `history_start` to `end`, extracts from `start`."""

    history_start: int
    start: int
    end: int

    @classmethod
    def build(cls, start: date, days: int, history_months: int) -> Timeline:
        """History begins on the first of the month `history_months` before `start`."""
        start_month = int(month_of(np.array([day_number(start)]))[0])
        history_start = int(first_day(np.array([start_month - history_months]))[0])
        first = day_number(start)
        return cls(history_start=history_start, start=first, end=first + days - 1)

    @property
    def extract_days(self) -> list[int]:
        """One extract per day: the full extract on `start`, then a delta per following day."""
        return list(range(self.start, self.end + 1))

    @property
    def snapshot_days(self) -> list[int]:
        """Mondays among the delta days: when the ERP also sends a full master-data snapshot."""
        return [d for d in self.extract_days[1:] if int(weekday(np.array([d]))[0]) == 0]

    @property
    def extract_dates(self) -> list[date]:
        """Calendar dates of the extracts."""
        return [date_of(d) for d in self.extract_days]

    @property
    def first_month(self) -> int:
        """Month number of the history start."""
        return int(month_of(np.array([self.history_start]))[0])

    @property
    def last_month(self) -> int:
        """Month number of the last extract."""
        return int(month_of(np.array([self.end]))[0])

    def growing_days(self, rng: np.random.Generator, size: int, low: int, high: int) -> np.ndarray:
        """Days in [low, high] drawn like the business of a growing, seasonal company.

        The density rises linearly from 1 to 3 over the span (the company triples its intake
        over the history) and is multiplied by the month's `SEASONALITY`; drawn by inverting the
        cumulative weight of the days.
        """
        span = max(high - low, 0)
        days = np.arange(low, low + span + 1, dtype=np.int64)
        weight = (1.0 + 2.0 * (days - low) / max(span, 1)) * seasonal_factor(days)
        cumulative = np.cumsum(weight)
        position = np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")
        return days[np.minimum(position, days.size - 1)]


# Relative business activity by calendar month (January first) of a European B2B seller: quarter
# ends close deals, July slows and August almost stops, December closes the year early.
SEASONALITY: tuple[float, ...] = (
    0.95, 1.0, 1.15, 0.95, 1.0, 1.15, 0.85, 0.55, 1.05, 1.1, 1.15, 0.95
)  # fmt: skip


def seasonal_factor(days: np.ndarray) -> np.ndarray:
    """The `SEASONALITY` factor of each day's calendar month."""
    month_in_year = month_of(days) % 12
    return np.asarray(SEASONALITY)[month_in_year]

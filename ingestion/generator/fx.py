"""Monthly exchange rates to the reporting currency (EUR), and conversions that use them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.randomness import rng_for
from ingestion.generator.timeline import Timeline, date_series, first_day

CURRENCIES: tuple[str, ...] = ("EUR", "USD", "GBP", "CHF")
# EUR per unit of each currency at the start of the history, close to 2023-2026 market levels.
OPENING_RATES: tuple[float, ...] = (1.0, 0.92, 1.17, 1.05)
MONTHLY_VOLATILITY = 0.012  # standard deviation of the monthly log change, ~4% a year
# Rates exist a year past the last extract so that documents dated just after it (generated but
# not written) can still be priced; the writer drops months not yet published.
MONTHS_AHEAD = 12


@dataclass(frozen=True)
class FxRates:
    """EUR per unit of currency, one row per currency and one column per month."""

    first_month: int
    rates: np.ndarray

    def rate(self, currency_idx: np.ndarray, months: np.ndarray) -> np.ndarray:
        """Rate of each (currency index into `CURRENCIES`, month number) pair."""
        column = np.clip(np.asarray(months) - self.first_month, 0, self.rates.shape[1] - 1)
        return self.rates[np.asarray(currency_idx), column]

    def table(self) -> pl.DataFrame:
        """The `erp.fx_rates` rows, each published on the first day of its month."""
        n_cur, n_months = self.rates.shape
        months = np.tile(np.arange(n_months) + self.first_month, n_cur)
        days = first_day(months)
        return pl.DataFrame(
            {
                "month": date_series(days),
                "currency": pl.Series(CURRENCIES).gather(np.repeat(np.arange(n_cur), n_months)),
                "rate": self.rates.reshape(-1),
                "_extract_on": date_series(days),
            }
        )


def build_fx_rates(timeline: Timeline, seed: int) -> FxRates:
    """A random walk in log space from the opening rates, rounded to 6 decimals as published."""
    rng = rng_for(seed, "erp.fx_rates")
    n_months = timeline.last_month - timeline.first_month + 1 + MONTHS_AHEAD
    steps = rng.normal(0.0, MONTHLY_VOLATILITY, size=(len(CURRENCIES), n_months))
    steps[:, 0] = 0.0
    walk = np.exp(np.cumsum(steps, axis=1)) * np.asarray(OPENING_RATES)[:, None]
    walk[0, :] = 1.0
    return FxRates(first_month=timeline.first_month, rates=np.round(walk, 6))


def currency_index(codes: pl.Series) -> np.ndarray:
    """Index into `CURRENCIES` of each currency code."""
    lookup = {code: i for i, code in enumerate(CURRENCIES)}
    return codes.replace_strict(lookup, return_dtype=pl.Int64).to_numpy()

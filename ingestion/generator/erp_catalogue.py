"""The ERP product catalogue and its standard costs, revised every January."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from ingestion.generator.products import HOURLY_SERVICE_SKUS, PRODUCTS
from ingestion.generator.randomness import rng_for
from ingestion.generator.timeline import Timeline, date_series, day_number, year_of

# Standard cost as a share of list price: hardware has a real bill of materials, a licence
# mostly hosting and support.
COST_SHARE: dict[str, tuple[float, float]] = {"goods": (0.45, 0.65), "subscription": (0.15, 0.30)}
YEARLY_COST_DRIFT = (0.99, 1.06)


@dataclass(frozen=True)
class Catalogue:
    """Products (row order = `PRODUCTS`) and which of them orders and projects may use."""

    products: pl.DataFrame
    costs: pl.DataFrame

    @property
    def list_price_eur(self) -> np.ndarray:
        """List price in EUR per product row."""
        return self.products["list_price"].to_numpy()

    @property
    def sellable(self) -> np.ndarray:
        """Rows of goods, the SKUs sales orders are made of.

        Subscriptions are invoiced monthly without an order (`subscriptions.py`), services
        through projects.
        """
        return np.flatnonzero(self.products["kind"].to_numpy() == "goods")

    @property
    def is_subscription(self) -> np.ndarray:
        """True for subscription rows."""
        return self.products["kind"].to_numpy() == "subscription"

    @property
    def is_goods(self) -> np.ndarray:
        """True for goods rows (the ones shipped, hence with a transport cost)."""
        return self.products["kind"].to_numpy() == "goods"

    @property
    def hourly_services(self) -> np.ndarray:
        """Rows of the service SKUs billed per hour by time-and-materials projects."""
        return np.flatnonzero(self.products["sku"].is_in(list(HOURLY_SERVICE_SKUS)).to_numpy())

    @property
    def skus(self) -> pl.Series:
        """SKU per product row."""
        return self.products["sku"]


def build_catalogue(timeline: Timeline, seed: int) -> Catalogue:
    """The fixed catalogue, all active from the history start, and its yearly standard costs."""
    rng = rng_for(seed, "erp.products")
    sku, name, category, line, kind, price = (list(col) for col in zip(*PRODUCTS, strict=True))
    n = len(sku)
    history_start = date_series(np.array([timeline.history_start]))[0]
    products = pl.DataFrame(
        {
            "sku": sku,
            "name": name,
            "category": category,
            "product_line": line,
            "kind": kind,
            "list_price": np.asarray(price, dtype=np.float64),
            "currency": ["EUR"] * n,
            "is_active": [True] * n,
        }
    ).with_columns(_extract_on=pl.lit(history_start))
    return Catalogue(products=products, costs=_costs(rng, products, timeline))


def _costs(rng: np.random.Generator, products: pl.DataFrame, timeline: Timeline) -> pl.DataFrame:
    """One standard cost per costed SKU from the history start, then a new one each 1 January.

    Services have no standard cost: their cost is the consultants' time on the timesheets.
    """
    first_year = int(year_of(np.array([timeline.history_start]))[0])
    last_year = int(year_of(np.array([timeline.end]))[0])
    starts = [timeline.history_start] + [
        day_number(date(y, 1, 1)) for y in range(first_year + 1, last_year + 1)
    ]
    kinds = products["kind"].to_numpy()
    costed = np.flatnonzero(kinds != "service")
    low = np.array([COST_SHARE[k][0] for k in kinds[costed]])
    high = np.array([COST_SHARE[k][1] for k in kinds[costed]])
    base = products["list_price"].to_numpy()[costed] * rng.uniform(low, high)
    drift = np.cumprod(rng.uniform(*YEARLY_COST_DRIFT, size=(len(starts), costed.size)), axis=0)
    drift[0, :] = 1.0
    cost = np.round(base[None, :] * drift, 4)
    valid_from = np.repeat(np.asarray(starts, dtype=np.int64), costed.size)
    return pl.DataFrame(
        {
            "sku": products["sku"].gather(np.tile(costed, len(starts))),
            "valid_from": date_series(valid_from),
            "standard_unit_cost": cost.reshape(-1),
            "currency": ["EUR"] * valid_from.size,
            "_extract_on": date_series(valid_from),
        }
    )

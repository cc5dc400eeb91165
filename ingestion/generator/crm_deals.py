"""CRM deals by kind: the won deals behind orders, the lost ones, and those still open.

A B2B sales team wins a minority of what it pitches: under a third of its new-business deals
(prospects are pitched again after a loss) and under half of its upsells and renewals. A
new-business deal takes two weeks to four months, an upsell or renewal one to three months. The
won deals follow the orders, so the customers' revenue history does not move.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.erp_sales import Sales
from ingestion.generator.organisations import Organisations
from ingestion.generator.timeline import Timeline

PROSPECT_LOSS_SHARE = 0.7  # prospects' opportunities that end lost; the others are still open
# Upsells pitched and lost per customer; with the won repeat deals, about half of them close won.
LOST_UPSELLS_PER_CUSTOMER = 1.5
# A prospect is pitched again after a lost deal (or, without one, after its account is created):
# the next deal opens REATTEMPT_GAP_DAYS later and takes REATTEMPT_DAYS to be lost. With these
# ranges the 500-customer company wins 27 % of its new-business deals by count, 25 % by amount
# (81 % by count without them).
REATTEMPT_GAP_DAYS = (14, 43)
REATTEMPT_DAYS = (30, 121)
# Days between an upsell or renewal deal's creation and its order (one to three months).
REPEAT_DEAL_DAYS = (30, 91)
# Typical deal size by segment in the deal currency, for deals that never became an order: close
# to the first orders of the segment, so win rates by count and by amount agree.
TYPICAL_DEAL: tuple[float, ...] = (1_200.0, 4_000.0, 10_000.0)
# Kinds of deal, in the order their ids are handed out when created the same second.
NEW_BUSINESS, PROSPECT_DEAL, REPEAT_ORDER_DEAL, LOST_UPSELL, REATTEMPT = range(5)


def _deals(
    kind: int,
    org: np.ndarray,
    deal_type: pl.Series | str,
    created_day: np.ndarray,
    created_sec: np.ndarray | None,
    close_day: np.ndarray,
    outcome: np.ndarray,
    amount_cents: np.ndarray,
    order_idx: np.ndarray | None = None,
) -> pl.DataFrame:
    """Deals of one kind; outcome 1 = won, 0 = lost, -1 = still open at `close_day` (expected)."""
    n = org.size
    return pl.DataFrame(
        {
            "kind": np.full(n, kind, dtype=np.int64),
            "org_idx": org,
            "type": deal_type if isinstance(deal_type, pl.Series) else [deal_type] * n,
            "created_day": created_day,
            "created_sec": created_sec if created_sec is not None else np.zeros(n, np.int64),
            "close_day": close_day,
            "outcome": outcome,
            "amount_cents": amount_cents.astype(np.int64),
            "order_idx": order_idx if order_idx is not None else np.full(n, -1, np.int64),
        },
        schema_overrides={"type": pl.String},
    )


def new_business(rng: np.random.Generator, orgs: Organisations, sales: Sales) -> pl.DataFrame:
    """The won deal of each customer, worth its first order, closed on the day it was won."""
    firsts = sales.orders.filter(pl.col("seq") == 0)
    org = firsts["org_idx"].to_numpy()
    return _deals(
        NEW_BUSINESS,
        org,
        "New Business",
        orgs.col("opp_day")[org],
        orgs.col("opp_sec")[org],
        orgs.col("won_day")[org],
        np.ones(org.size, np.int64),
        firsts["net_cents"].to_numpy(),
        firsts["order_idx"].to_numpy(),
    )


def _typical_amount(rng: np.random.Generator, segment: np.ndarray) -> np.ndarray:
    """Deal amounts in cents, lognormal around the segment's typical deal, rounded to 100."""
    amount = np.asarray(TYPICAL_DEAL)[segment] * rng.lognormal(0.0, 0.5, segment.size)
    return np.round(amount / 100.0) * 10_000


def prospect_deals(
    rng: np.random.Generator, orgs: Organisations, timeline: Timeline
) -> pl.DataFrame:
    """Prospects' first deals: 60% lost within 2-17 weeks, the rest still open."""
    org = np.flatnonzero(~orgs.col("is_customer") & orgs.col("has_opp"))
    created = orgs.col("opp_day")[org]
    lost = rng.random(org.size) < PROSPECT_LOSS_SHARE
    close = created + np.where(
        lost, rng.integers(15, 121, org.size), rng.integers(30, 181, org.size)
    )
    return _deals(
        PROSPECT_DEAL,
        org,
        "New Business",
        created,
        orgs.col("opp_sec")[org],
        close,
        np.where(lost, 0, -1),
        _typical_amount(rng, orgs.col("segment_idx")[org]),
    )


def repeat_order_deals(rng: np.random.Generator, orgs: Organisations, sales: Sales) -> pl.DataFrame:
    """Upsell or Renewal deals won a few days before the repeat orders they turned into."""
    orders = sales.orders.filter((pl.col("seq") > 0) & pl.col("wants_opportunity"))
    org = orders["org_idx"].to_numpy()
    order_day = orders["order_day"].to_numpy()
    first_order = orgs.col("first_order_day")[org]
    created = np.maximum(first_order, order_day - rng.integers(*REPEAT_DEAL_DAYS, org.size))
    close = np.maximum(created, order_day - rng.integers(0, 6, org.size))
    deal_type = pl.select(
        pl.when(orders["has_subscription"]).then(pl.lit("Renewal")).otherwise(pl.lit("Upsell"))
    ).to_series()
    return _deals(
        REPEAT_ORDER_DEAL,
        org,
        deal_type,
        created,
        None,
        close,
        np.ones(org.size, np.int64),
        orders["net_cents"].to_numpy(),
        orders["order_idx"].to_numpy(),
    )


def lost_upsells(rng: np.random.Generator, orgs: Organisations, timeline: Timeline) -> pl.DataFrame:
    """Upsells pitched to customers that did not close (or have not yet)."""
    customers = np.flatnonzero(orgs.col("is_customer"))
    first_order = orgs.col("first_order_day")[customers]
    eligible = customers[first_order < timeline.end]
    count = rng.poisson(LOST_UPSELLS_PER_CUSTOMER, eligible.size)
    org = np.repeat(eligible, count)
    low = orgs.col("first_order_day")[org] + 1
    created = low + np.floor(rng.random(org.size) * (timeline.end - low + 1)).astype(np.int64)
    close = created + rng.integers(15, 91, org.size)
    return _deals(
        LOST_UPSELL,
        org,
        "Upsell",
        created,
        None,
        close,
        np.zeros(org.size, np.int64),
        _typical_amount(rng, orgs.col("segment_idx")[org]) // 2,
    )


def reattempts(
    rng: np.random.Generator,
    orgs: Organisations,
    prospect_deals: pl.DataFrame,
    timeline: Timeline,
) -> pl.DataFrame:
    """New-business deals pitched again to prospects, one after another, all lost or still open.

    A prospect with a lost first deal is pitched again after it closed; one without a deal after
    its account was created; one whose deal is still open is not pitched again.
    """
    prospects = np.flatnonzero(~orgs.col("is_customer"))
    ready = orgs.col("account_day")[prospects].copy()
    first = prospect_deals.filter(pl.col("outcome") == 0)
    busy = prospect_deals.filter(pl.col("outcome") < 0)["org_idx"].to_numpy()
    position = np.searchsorted(prospects, first["org_idx"].to_numpy())
    ready[position] = first["close_day"].to_numpy()
    org, ready = prospects[~np.isin(prospects, busy)], ready[~np.isin(prospects, busy)]
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    while org.size:
        created = ready + rng.integers(*REATTEMPT_GAP_DAYS, org.size)
        pitched = created <= timeline.end
        org, created = org[pitched], created[pitched]
        close = created + rng.integers(*REATTEMPT_DAYS, org.size)
        parts.append((org, created, close))
        lost = close <= timeline.end
        org, ready = org[lost], close[lost]
    org, created, close = (np.concatenate(p) for p in zip(*parts, strict=True))
    return _deals(
        REATTEMPT,
        org,
        "New Business",
        created,
        None,
        close,
        np.where(close <= timeline.end, 0, -1),
        _typical_amount(rng, orgs.col("segment_idx")[org]),
    )

"""CRM opportunities: the won deals behind orders, lost deals, and deals still open.

A B2B sales team wins a minority of what it pitches: under a third of its new-business deals
(prospects are pitched again after a loss) and under half of its upsells and renewals. A
new-business deal takes two weeks to four months, an upsell or renewal one to three months. Only
the CRM side is drawn here: the won deals follow the orders, so the customers' revenue history
does not move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.crm_marketing import Campaigns, campaign_ids
from ingestion.generator.erp_sales import Sales
from ingestion.generator.organisations import Organisations
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.timeline import Timeline, date_series, datetime_series, office_seconds

OPEN_STAGES: tuple[str, ...] = ("Prospecting", "Qualification", "Proposal", "Negotiation")
OPEN_STAGE_PROBABILITY: tuple[int, ...] = (10, 25, 50, 75)
OPEN_STAGE_WEIGHTS: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1)
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

_COLUMNS = [
    "opportunity_id",
    "account_id",
    "name",
    "type",
    "stage",
    "probability",
    "amount",
    "currency",
    "close_date",
    "lead_source",
    "campaign_id",
    "owner_id",
    "created_at",
    "last_modified_at",
    "is_deleted",
    "_extract_on",
]


@dataclass(frozen=True)
class Pipeline:
    """The opportunity rows and the links the ERP and the leads need."""

    table: pl.DataFrame
    new_business_ids: pl.Series  # per organisation, null if it has no first opportunity
    order_opportunity_ids: pl.Series  # per order, null if the order had no opportunity


def build_pipeline(
    orgs: Organisations,
    attribution: pl.DataFrame,
    campaigns: Campaigns,
    account_ids: pl.Series,
    owner_ids: pl.Series,
    sales: Sales,
    timeline: Timeline,
    block: Block,
) -> Pipeline:
    """Every opportunity and its versions; `account_ids`/`owner_ids` are per organisation."""
    rng = block.rng("crm.opportunities")
    prospect_deals = _prospect_deals(rng, orgs, timeline)
    deals = pl.concat(
        [
            _new_business(rng, orgs, sales),
            prospect_deals,
            _repeat_order_deals(rng, orgs, sales),
            _lost_upsells(rng, orgs, timeline),
            _reattempts(rng, orgs, prospect_deals, timeline),
        ]
    )
    n = deals.height
    org = deals["org_idx"].to_numpy()
    created_sec = np.where(
        deals["created_sec"].to_numpy() > 0,
        deals["created_sec"].to_numpy(),
        office_seconds(deals["created_day"].to_numpy(), rng),
    )
    kind = deals["kind"].to_numpy()
    deals = deals.with_columns(
        opportunity_id=block.ids("006", 12, created_sec, kind, np.arange(n)),
        created_sec=pl.Series(created_sec),
    )
    # an organisation's new-business deals come from its lead (or outbound); upsells from the
    # account
    first_deal = np.isin(kind, (NEW_BUSINESS, PROSPECT_DEAL, REATTEMPT))
    campaign_row = np.where(first_deal, attribution["campaign_row"].to_numpy()[org], -1)
    source = pl.select(
        pl.when(pl.Series(first_deal))
        .then(attribution["lead_source"].gather(org))
        .otherwise(pl.lit("Existing Customer"))
    ).to_series()
    common = deals.select(
        "opportunity_id",
        account_id=account_ids.gather(org),
        name=pl.concat_str(orgs.frame["name"].gather(org), "type", separator=" - "),
        type="type",
        currency=orgs.frame["currency"].gather(org),
        lead_source=source,
        campaign_id=campaign_ids(campaigns, campaign_row),
        owner_id=owner_ids.gather(org),
        created_at=datetime_series(created_sec),
        is_deleted=pl.lit(False),
    )
    table = pl.concat([_open_versions(rng, deals, common), _closed_versions(rng, deals, common)])
    return Pipeline(
        table=table,
        new_business_ids=_per_org_ids(deals, orgs.size),
        order_opportunity_ids=_per_order_ids(deals, sales.orders.height),
    )


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


def _new_business(rng: np.random.Generator, orgs: Organisations, sales: Sales) -> pl.DataFrame:
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


def _prospect_deals(
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


def _repeat_order_deals(
    rng: np.random.Generator, orgs: Organisations, sales: Sales
) -> pl.DataFrame:
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


def _lost_upsells(
    rng: np.random.Generator, orgs: Organisations, timeline: Timeline
) -> pl.DataFrame:
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


def _reattempts(
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


def _open_versions(
    rng: np.random.Generator, deals: pl.DataFrame, common: pl.DataFrame
) -> pl.DataFrame:
    """The version extracted when the deal was created: an open stage and an estimated amount.

    Deals closed on the day they were created only appear closed.
    """
    n = deals.height
    stage = pick_weighted(rng, OPEN_STAGE_WEIGHTS, n)
    estimate = np.round(deals["amount_cents"].to_numpy() * rng.uniform(0.8, 1.2, n) / 10_000) * 100
    expected_close = deals["close_day"].to_numpy() + rng.integers(-10, 21, n)
    expected_close = np.maximum(expected_close, deals["created_day"].to_numpy())
    keep = (deals["outcome"].to_numpy() < 0) | (
        deals["close_day"].to_numpy() > deals["created_day"].to_numpy()
    )
    frame = common.with_columns(
        stage=pl.Series(OPEN_STAGES).gather(stage),
        probability=pl.Series(OPEN_STAGE_PROBABILITY).gather(stage).cast(pl.Int64),
        amount=pl.Series(np.maximum(estimate, 100.0)),
        close_date=date_series(expected_close),
        last_modified_at=common["created_at"],
        _extract_on=date_series(deals["created_day"].to_numpy()),
    )
    return frame.filter(pl.Series(keep)).select(_COLUMNS)


def _closed_versions(
    rng: np.random.Generator, deals: pl.DataFrame, common: pl.DataFrame
) -> pl.DataFrame:
    """The version extracted on the close day: Closed Won (100) or Closed Lost (0)."""
    outcome = deals["outcome"].to_numpy()
    close = deals["close_day"].to_numpy()
    modified = np.maximum(office_seconds(close, rng), deals["created_sec"].to_numpy() + 60)
    frame = common.with_columns(
        stage=pl.Series(np.where(outcome == 1, "Closed Won", "Closed Lost")),
        probability=pl.Series(np.where(outcome == 1, 100, 0).astype(np.int64)),
        amount=pl.Series(deals["amount_cents"].to_numpy() / 100.0),
        close_date=date_series(close),
        last_modified_at=datetime_series(modified),
        _extract_on=date_series(close),
    )
    return frame.filter(pl.Series(outcome >= 0)).select(_COLUMNS)


def _per_org_ids(deals: pl.DataFrame, n_orgs: int) -> pl.Series:
    """The first (new business) opportunity id of each organisation, null if none."""
    firsts = deals.filter(pl.col("kind").is_in([NEW_BUSINESS, PROSPECT_DEAL])).select(
        "org_idx", "opportunity_id"
    )
    return pl.DataFrame({"org_idx": np.arange(n_orgs, dtype=np.int64)}).join(
        firsts, on="org_idx", how="left", maintain_order="left"
    )["opportunity_id"]


def _per_order_ids(deals: pl.DataFrame, n_orders: int) -> pl.Series:
    """The opportunity each order came from, null for orders placed without one."""
    won = deals.filter(pl.col("order_idx") >= 0).select("order_idx", "opportunity_id")
    return pl.DataFrame({"order_idx": np.arange(n_orders, dtype=np.int64)}).join(
        won, on="order_idx", how="left", maintain_order="left"
    )["opportunity_id"]

"""CRM opportunities: every deal (`crm_deals.py`) as the versions the CRM extracts show.

A deal is extracted when created, in an open stage with an estimated amount, and again when it
closes, won or lost; the won deals link the orders and the leads to their opportunity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.crm_campaigns import Campaigns, campaign_ids
from ingestion.generator.crm_deals import (
    NEW_BUSINESS,
    PROSPECT_DEAL,
    REATTEMPT,
    lost_upsells,
    new_business,
    prospect_deals,
    reattempts,
    repeat_order_deals,
)
from ingestion.generator.erp_sales import Sales
from ingestion.generator.organisations import Organisations
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.timeline import Timeline, date_series, datetime_series, office_seconds

OPEN_STAGES: tuple[str, ...] = ("Prospecting", "Qualification", "Proposal", "Negotiation")
OPEN_STAGE_PROBABILITY: tuple[int, ...] = (10, 25, 50, 75)
OPEN_STAGE_WEIGHTS: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1)

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
    prospect = prospect_deals(rng, orgs, timeline)
    deals = pl.concat(
        [
            new_business(rng, orgs, sales),
            prospect,
            repeat_order_deals(rng, orgs, sales),
            lost_upsells(rng, orgs, timeline),
            reattempts(rng, orgs, prospect, timeline),
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

"""Marketing: monthly campaigns per channel and the leads they (and word of mouth) bring in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.arrays import group_offsets, pick_in_groups
from ingestion.generator.blocks import Block
from ingestion.generator.identifiers import sequence_ids
from ingestion.generator.organisations import Organisations
from ingestion.generator.people import draw_people, emails, first_names, last_names
from ingestion.generator.pools import (
    CAMPAIGN_THEMES,
    CHANNEL_COST_FACTORS,
    CHANNELS,
    COMPANY_ACTIVITIES,
    COMPANY_FAMILIES,
    slug,
)
from ingestion.generator.randomness import pick_weighted, rng_for
from ingestion.generator.timeline import (
    Timeline,
    date_series,
    datetime_series,
    first_day,
    last_day,
    month_of,
    office_seconds,
    seasonal_factor,
)

CAMPAIGN_LEAD_SHARE = 0.75  # leads that answer a campaign; the rest are referrals or web forms
UNCONVERTED_LEADS_PER_CUSTOMER = 3
NO_CAMPAIGN_SOURCES: tuple[str, ...] = ("Referral", "Website")


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


def attribute_org_leads(
    orgs: Organisations, campaigns: Campaigns, timeline: Timeline, block: Block
) -> pl.DataFrame:
    """Where each organisation's first opportunity came from, per organisation row.

    An organisation with a lead was created as a lead up to 30 days before the lead was
    converted into its account and opportunity; that lead answered a campaign running at the
    time (75%) or came as a referral or web form. Organisations without a lead were prospected
    by their account executive ("Outbound").
    """
    rng = block.rng("crm.lead_attribution")
    n = orgs.size
    has_lead = orgs.col("has_lead")
    account_day = orgs.col("account_day")
    lead_day = np.maximum(timeline.history_start, account_day - rng.integers(0, 31, n))
    lead_sec = np.where(
        lead_day == account_day,
        orgs.col("account_sec") - rng.integers(600, 3_600, n),
        office_seconds(lead_day, rng),
    )
    campaign = np.where(rng.random(n) < CAMPAIGN_LEAD_SHARE, campaigns.pick(lead_day, rng), -1)
    campaign = np.where(has_lead, campaign, -1)
    fallback = pl.Series(NO_CAMPAIGN_SOURCES).gather(rng.integers(0, 2, n))
    source = pl.select(
        pl.when(pl.Series(campaign >= 0))
        .then(campaigns.frame["channel"].gather(np.maximum(campaign, 0)))
        .when(pl.Series(has_lead))
        .then(fallback)
        .otherwise(pl.lit("Outbound"))
    ).to_series()
    return pl.DataFrame(
        {
            "has_lead": has_lead,
            "lead_day": lead_day,
            "lead_sec": lead_sec,
            "campaign_row": campaign,
            "lead_source": source,
        }
    )


def campaign_ids(campaigns: Campaigns, rows: np.ndarray) -> pl.Series:
    """Campaign id of each campaign row, null where the row is -1."""
    ids = campaigns.frame["campaign_id"].gather(np.maximum(rows, 0))
    return pl.select(pl.when(pl.Series(rows >= 0)).then(ids)).to_series()


def leads_table(
    orgs: Organisations,
    attribution: pl.DataFrame,
    account_ids: pl.Series,
    opportunity_ids: pl.Series,
    campaigns: Campaigns,
    timeline: Timeline,
    block: Block,
) -> pl.DataFrame:
    """`crm.leads`: the converted leads of organisations and three unconverted leads per customer.

    A lead is extracted when created (status Open) and again when its status changes
    (Converted, Working or Disqualified); `account_ids`/`opportunity_ids` are per organisation.
    """
    rng = block.rng("crm.leads")
    converted = _converted_leads(orgs, attribution, account_ids, opportunity_ids, campaigns)
    others = _unconverted_leads(
        rng, campaigns, block.customers * UNCONVERTED_LEADS_PER_CUSTOMER, timeline
    )
    leads = pl.concat([converted, others])
    leads = leads.with_columns(
        lead_id=block.ids(
            "00Q",
            12,
            leads["created_sec"].to_numpy(),
            leads["kind"].to_numpy(),
            np.arange(leads.height),
        )
    )
    columns = [
        "lead_id",
        "company",
        "first_name",
        "last_name",
        "email",
        "lead_source",
        "status",
        "campaign_id",
        "created_at",
        "converted_at",
        "converted_account_id",
        "converted_opportunity_id",
    ]
    # a lead converted on the day it was created is extracted once, already converted
    opened = leads.filter(
        (pl.col("status") != "Open") & (pl.col("change_day") > pl.col("created_day"))
    ).with_columns(
        status=pl.lit("Open"),
        converted_at=pl.lit(None, dtype=pl.Datetime("us")),
        converted_account_id=pl.lit(None, dtype=pl.String),
        converted_opportunity_id=pl.lit(None, dtype=pl.String),
        _extract_on=pl.col("created_day").cast(pl.Int32).cast(pl.Date),
    )
    changed = leads.filter(pl.col("status") != "Open").with_columns(
        _extract_on=pl.col("change_day").cast(pl.Int32).cast(pl.Date)
    )
    still_open = leads.filter(pl.col("status") == "Open").with_columns(
        _extract_on=pl.col("created_day").cast(pl.Int32).cast(pl.Date)
    )
    keep = [*columns, "_extract_on"]
    return pl.concat([opened.select(keep), changed.select(keep), still_open.select(keep)])


def _converted_leads(
    orgs: Organisations,
    attribution: pl.DataFrame,
    account_ids: pl.Series,
    opportunity_ids: pl.Series,
    campaigns: Campaigns,
) -> pl.DataFrame:
    rows = np.flatnonzero(attribution["has_lead"].to_numpy())
    org = orgs.frame[rows]
    first, last = org["person_first"].to_numpy(), org["person_last"].to_numpy()
    domain = pl.select(pl.concat_str(org["slug"], pl.lit("."), org["tld"])).to_series()
    attr = attribution[rows]
    return pl.DataFrame(
        {
            "kind": np.zeros(rows.size, dtype=np.int64),
            "company": org["name"],
            "first_name": first_names(first),
            "last_name": last_names(last),
            "email": emails(first, last, domain),
            "lead_source": attr["lead_source"],
            "status": ["Converted"] * rows.size,
            "campaign_id": campaign_ids(campaigns, attr["campaign_row"].to_numpy()),
            "created_at": datetime_series(attr["lead_sec"].to_numpy()),
            "converted_at": datetime_series(org["account_sec"].to_numpy()),
            "converted_account_id": account_ids.gather(rows),
            "converted_opportunity_id": opportunity_ids.gather(rows),
            "created_sec": attr["lead_sec"].to_numpy(),
            "created_day": attr["lead_day"].to_numpy(),
            "change_day": org["account_day"].to_numpy(),
        }
    )


def _unconverted_leads(
    rng: np.random.Generator, campaigns: Campaigns, n: int, timeline: Timeline
) -> pl.DataFrame:
    """Leads that never became an account: most disqualified within a month, some still worked."""
    created_day = timeline.growing_days(rng, n, timeline.history_start, timeline.end)
    created_sec = office_seconds(created_day, rng)
    campaign = np.where(rng.random(n) < 0.8, campaigns.pick(created_day, rng), -1)
    source = pl.select(
        pl.when(pl.Series(campaign >= 0))
        .then(campaigns.frame["channel"].gather(np.maximum(campaign, 0)))
        .otherwise(pl.Series(NO_CAMPAIGN_SOURCES).gather(rng.integers(0, 2, n)))
    ).to_series()
    family = rng.integers(0, len(COMPANY_FAMILIES), n)
    activity = rng.integers(0, len(COMPANY_ACTIVITIES), n)
    company = pl.select(
        pl.concat_str(
            pl.Series(COMPANY_FAMILIES).gather(family),
            pl.Series(COMPANY_ACTIVITIES).gather(activity),
            separator=" ",
        )
    ).to_series()
    domain = pl.select(
        pl.concat_str(
            pl.Series([slug(x) for x in COMPANY_FAMILIES]).gather(family),
            pl.Series([slug(x) for x in COMPANY_ACTIVITIES]).gather(activity),
            pl.lit(".com"),
            separator="",
        )
    ).to_series()
    first, last = draw_people(rng, n)
    status = pl.Series(("Disqualified", "Working", "Open")).gather(
        pick_weighted(rng, (0.6, 0.15, 0.25), n)
    )
    return pl.DataFrame(
        {
            "kind": np.ones(n, dtype=np.int64),
            "company": company,
            "first_name": first_names(first),
            "last_name": last_names(last),
            "email": emails(first, last, domain),
            "lead_source": source,
            "status": status,
            "campaign_id": campaign_ids(campaigns, campaign),
            "created_at": datetime_series(created_sec),
            "converted_at": pl.Series([None] * n, dtype=pl.Datetime("us")),
            "converted_account_id": pl.Series([None] * n, dtype=pl.String),
            "converted_opportunity_id": pl.Series([None] * n, dtype=pl.String),
            "created_sec": created_sec,
            "created_day": created_day,
            "change_day": created_day + rng.integers(1, 31, n),
        }
    )

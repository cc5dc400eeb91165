"""Marketing leads: those campaigns (and word of mouth) bring in, converted or not."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.crm_campaigns import Campaigns, campaign_ids
from ingestion.generator.organisations import Organisations
from ingestion.generator.people import draw_people, emails, first_names, last_names
from ingestion.generator.pools import COMPANY_ACTIVITIES, COMPANY_FAMILIES, slug
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.timeline import Timeline, datetime_series, office_seconds

CAMPAIGN_LEAD_SHARE = 0.75  # leads that answer a campaign; the rest are referrals or web forms
UNCONVERTED_LEADS_PER_CUSTOMER = 3
NO_CAMPAIGN_SOURCES: tuple[str, ...] = ("Referral", "Website")


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

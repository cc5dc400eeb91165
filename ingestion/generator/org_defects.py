"""Organisation-level defects: the records that make identity resolution hard.

Decided once per block, before either system's records are drawn, because both need them: a
name typed differently in the CRM or the ERP, an ERP number missing or wrong on the CRM account,
a second CRM account (some merged away later) and a second ERP customer record for the same
organisation. Their random streams are their own, so the `none` company has the same business as
the `typical` one, only cleaner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.defect_profiles import DefectProfile
from ingestion.generator.name_variants import vary_names
from ingestion.generator.organisations import Organisations
from ingestion.generator.timeline import NO_DAY, Timeline, office_seconds

# where a name variant lives
NAME_CLEAN, NAME_IN_CRM, NAME_IN_ERP = range(3)
# what the CRM account of a customer says its ERP number is
ERP_NUMBER_KNOWN, ERP_NUMBER_MISSING, ERP_NUMBER_WRONG = range(3)
DUPLICATE_ACCOUNT_DELAY_DAYS = (20, 400)  # a second account is opened this long after the first
MERGE_DELAY_DAYS = (10, 180)  # and merged into it this long after that, when it is
DUPLICATE_CUSTOMER_DELAY_DAYS = (30, 500)
SECOND_CURRENCY_SHARE = 0.4  # of duplicate ERP customers; the others have a new billing address


@dataclass(frozen=True)
class OrgDefects:
    """Per organisation of a block (arrays indexed by org_idx) and the duplicate records.

    duplicate_accounts: org_idx, account_day, account_sec, merge_day (NO_DAY if never merged by
    the last extract), merge_sec, name, variant.
    duplicate_customers: org_idx, created_day, reason ("second currency" | "billing address").
    """

    name_side: np.ndarray
    crm_name: pl.Series
    erp_name: pl.Series
    name_variant: pl.Series
    erp_number: np.ndarray
    duplicate_accounts: pl.DataFrame
    duplicate_customers: pl.DataFrame


def plan_org_defects(
    orgs: Organisations, profile: DefectProfile, block: Block, timeline: Timeline
) -> OrgDefects:
    """Draw which organisations get which identity defect, at the profile's rates."""
    rng = block.rng("defects.organisations")
    n = orgs.size
    is_customer = orgs.col("is_customer")
    names = orgs.frame["name"]

    u = rng.random(n)
    side = np.where(
        is_customer & (u < profile.name_variant),
        np.where(rng.random(n) < 0.5, NAME_IN_CRM, NAME_IN_ERP),
        NAME_CLEAN,
    )
    varied, kind = vary_names(names, rng)
    crm_name = pl.select(pl.when(pl.Series(side == NAME_IN_CRM)).then(varied).otherwise(names))
    erp_name = pl.select(pl.when(pl.Series(side == NAME_IN_ERP)).then(varied).otherwise(names))
    variant = pl.select(pl.when(pl.Series(side != NAME_CLEAN)).then(kind)).to_series()

    u = rng.random(n)
    erp_number = np.select(
        [u < profile.erp_number_missing, u < profile.erp_number_missing + profile.erp_number_wrong],
        [ERP_NUMBER_MISSING, ERP_NUMBER_WRONG],
        ERP_NUMBER_KNOWN,
    )
    return OrgDefects(
        name_side=side,
        crm_name=crm_name.to_series(),
        erp_name=erp_name.to_series(),
        name_variant=variant,
        erp_number=np.where(is_customer, erp_number, ERP_NUMBER_KNOWN),
        duplicate_accounts=_duplicate_accounts(rng, orgs, profile, timeline),
        duplicate_customers=_duplicate_customers(rng, orgs, profile, timeline),
    )


def _later(
    rng: np.random.Generator, day: np.ndarray, delay: tuple[int, int], timeline: Timeline
) -> np.ndarray:
    """A day `delay` after each `day`, within the last extract date when there is room.

    Drawing within the extracts keeps the duplicates of recent organisations from all being
    lost past the end of the history.
    """
    room = np.clip(timeline.end - day, delay[0], delay[1])
    return day + delay[0] + np.floor(rng.random(day.size) * (room - delay[0] + 1)).astype(np.int64)


def _duplicate_accounts(
    rng: np.random.Generator, orgs: Organisations, profile: DefectProfile, timeline: Timeline
) -> pl.DataFrame:
    """Second accounts opened by someone who did not find the first, under a variant name."""
    n = orgs.size
    picked = rng.random(n) < profile.duplicate_account
    day = _later(rng, orgs.col("account_day"), DUPLICATE_ACCOUNT_DELAY_DAYS, timeline)
    merged = rng.random(n) < profile.duplicate_account_merged
    merge_day = day + rng.integers(*MERGE_DELAY_DAYS, n)
    sec = np.maximum(office_seconds(day, rng), orgs.col("account_sec") + 60)
    merge_sec = office_seconds(merge_day, rng)
    varied, kind = vary_names(orgs.frame["name"], rng)
    keep = picked & (day <= timeline.end)
    merge_day = np.where(merged & (merge_day <= timeline.end), merge_day, NO_DAY)
    return pl.DataFrame(
        {
            "org_idx": orgs.col("org_idx"),
            "account_day": day,
            "account_sec": sec,
            "merge_day": merge_day,
            "merge_sec": np.maximum(merge_sec, sec + 60),
            "name": varied,
            "variant": kind,
        }
    ).filter(pl.Series(keep))


def _duplicate_customers(
    rng: np.random.Generator, orgs: Organisations, profile: DefectProfile, timeline: Timeline
) -> pl.DataFrame:
    """Customers opened again in the ERP, for a second currency or a new billing address."""
    n = orgs.size
    picked = orgs.col("is_customer") & (rng.random(n) < profile.duplicate_customer)
    day = _later(rng, orgs.col("first_order_day"), DUPLICATE_CUSTOMER_DELAY_DAYS, timeline)
    reason = np.where(rng.random(n) < SECOND_CURRENCY_SHARE, "second currency", "billing address")
    return pl.DataFrame(
        {"org_idx": orgs.col("org_idx"), "created_day": day, "reason": reason}
    ).filter(pl.Series(picked & (day <= timeline.end)))

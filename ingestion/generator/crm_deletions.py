"""CRM records that change after they are first sent: contacts moved or deleted, deals deleted.

A CRM export re-sends a deleted record once, with `is_deleted = true`, on the day it is deleted;
it is never sent again. Contacts of a duplicate account move to the surviving account when the
duplicate is merged; contacts who left a prospect and lost deals nobody wants to see are deleted.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.org_defects import OrgDefects
from ingestion.generator.organisations import Organisations
from ingestion.generator.timeline import (
    SECONDS_PER_DAY,
    Timeline,
    date_series,
    datetime_series,
    office_seconds,
)

CONTACT_DELETION_SHARE = 0.15  # of prospects' secondary contacts: left the company
CONTACT_DELETION_DELAY_DAYS = (7, 400)
OPPORTUNITY_DELETION_SHARE = 0.08  # of lost deals, deleted in a pipeline clean-up
OPPORTUNITY_DELETION_DELAY_DAYS = (7, 180)
CONTACT_COLUMNS = [
    "contact_id",
    "account_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "country",
    "email_opt_out",
    "created_at",
    "last_modified_at",
    "is_deleted",
    "_extract_on",
]


def contacts_table(
    contacts: pl.DataFrame,
    duplicate_contacts: pl.DataFrame,
    account_ids: pl.Series,
    orgs: Organisations,
    defects: OrgDefects,
    activities: pl.DataFrame,
    block: Block,
    timeline: Timeline,
) -> pl.DataFrame:
    """`crm.contacts`: each sent when created, then when moved by a merge or deleted."""
    rng = block.rng("crm.deletions.contacts")
    created = pl.concat(
        [contacts.select(CONTACT_COLUMNS[:-1]), duplicate_contacts.select(CONTACT_COLUMNS[:-1])]
    ).with_columns(_extract_on=pl.col("created_at").dt.date())

    dups = defects.duplicate_accounts
    merged = dups["merge_day"].to_numpy() >= 0
    moved = (
        duplicate_contacts.filter(pl.Series(merged))
        .with_columns(
            account_id=account_ids.gather(dups["org_idx"].to_numpy()[merged]),
            last_modified_at=datetime_series(dups["merge_sec"].to_numpy()[merged] + 5),
            _extract_on=date_series(dups["merge_day"].to_numpy()[merged]),
        )
        .select(CONTACT_COLUMNS)
    )

    last_activity = activities.group_by("contact_id").agg(
        last_day=pl.col("activity_at").max().dt.date().cast(pl.Int32).cast(pl.Int64)
    )
    candidates = (
        contacts.with_columns(
            created_day=(pl.col("created_sec") // SECONDS_PER_DAY),
            is_customer=pl.Series(orgs.col("is_customer")).gather(contacts["org_idx"]),
        )
        .join(last_activity, on="contact_id", how="left", maintain_order="left")
        .filter((pl.col("position") > 0) & ~pl.col("is_customer"))
    )
    k = candidates.height
    after = np.maximum(
        candidates["created_day"].to_numpy(), candidates["last_day"].fill_null(0).to_numpy()
    )
    # deleted some time after their last activity, within the extracts when there is room
    room = np.clip(
        timeline.end - after, CONTACT_DELETION_DELAY_DAYS[0], CONTACT_DELETION_DELAY_DAYS[1]
    )
    low = CONTACT_DELETION_DELAY_DAYS[0]
    day = after + low + np.floor(rng.random(k) * (room - low + 1)).astype(np.int64)
    chosen = (rng.random(k) < CONTACT_DELETION_SHARE) & (day <= timeline.end)
    deleted_sec = office_seconds(day[chosen], rng)
    deleted = (
        candidates.filter(pl.Series(chosen))
        .with_columns(
            is_deleted=pl.lit(True),
            last_modified_at=datetime_series(deleted_sec),
            _extract_on=date_series(day[chosen]),
        )
        .select(CONTACT_COLUMNS)
    )
    return pl.concat([created, moved, deleted], how="vertical_relaxed")


def with_deleted_opportunities(
    opportunities: pl.DataFrame, block: Block, timeline: Timeline
) -> pl.DataFrame:
    """Add a deletion version to some lost deals, some weeks after they were lost."""
    rng = block.rng("crm.deletions.opportunities")
    lost = opportunities.filter(pl.col("stage") == "Closed Lost")
    k = lost.height
    close_day = lost["close_date"].cast(pl.Int64).to_numpy()
    day = close_day + rng.integers(*OPPORTUNITY_DELETION_DELAY_DAYS, k)
    chosen = (rng.random(k) < OPPORTUNITY_DELETION_SHARE) & (day <= timeline.end)
    deleted_sec = office_seconds(day[chosen], rng)
    deleted = lost.filter(pl.Series(chosen)).with_columns(
        is_deleted=pl.lit(True),
        last_modified_at=datetime_series(deleted_sec),
        _extract_on=date_series(day[chosen]),
    )
    return pl.concat([opportunities, deleted])

"""CRM contacts: the people of each organisation's account, and of its duplicate account."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.arrays import parent_index, position_in_parent
from ingestion.generator.blocks import Block
from ingestion.generator.org_defects import OrgDefects
from ingestion.generator.organisations import Organisations
from ingestion.generator.people import draw_people, emails, first_names, last_names
from ingestion.generator.pools import TITLES
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.timeline import datetime_series, office_seconds

EMAIL_OPT_OUT_SHARE = 0.1
CONTACTS_WEIGHTS_CUSTOMER: tuple[float, ...] = (0.3, 0.4, 0.3)  # 1, 2 or 3 contacts
CONTACTS_WEIGHTS_PROSPECT: tuple[float, ...] = (0.6, 0.3, 0.1)


def build_contacts(
    orgs: Organisations,
    account_ids: pl.Series,
    duplicate_ids: pl.Series,
    defects: OrgDefects,
    block: Block,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`crm.contacts` of the organisations' accounts, and of the duplicate accounts.

    The first contact is the person the organisation came in through (the lead, when there was
    one) and is created with the account; up to two colleagues are added within six months. A
    duplicate account gets the same first person again, typed anew. Both frames carry the
    internal org_idx, position and created_sec; contact ids are numbered across both.
    """
    rng = block.rng("crm.contacts")
    n = orgs.size
    is_customer = orgs.col("is_customer")
    count = (
        np.where(
            is_customer,
            pick_weighted(rng, CONTACTS_WEIGHTS_CUSTOMER, n),
            pick_weighted(rng, CONTACTS_WEIGHTS_PROSPECT, n),
        )
        + 1
    )
    org = parent_index(count)
    position = position_in_parent(count)
    k = org.size
    first, last = draw_people(rng, k)
    primary = position == 0
    first = np.where(primary, orgs.col("person_first")[org], first)
    last = np.where(primary, orgs.col("person_last")[org], last)
    account_sec = orgs.col("account_sec")[org]
    later_day = orgs.col("account_day")[org] + rng.integers(0, 181, k)
    created_sec = np.where(
        primary,
        account_sec + 30,
        np.maximum(office_seconds(later_day, rng), account_sec + 60),
    )
    title = rng.integers(0, len(TITLES), k)
    opt_out = rng.random(k) < EMAIL_OPT_OUT_SHARE
    phone = rng.integers(600_000_000, 799_999_999, k)
    own = _contact_rows(orgs, org, position, first, last, created_sec, title, opt_out, phone)
    own = own.with_columns(account_id=account_ids.gather(org))

    dups = defects.duplicate_accounts
    dup_org = dups["org_idx"].to_numpy()
    d = dup_org.size
    dup = _contact_rows(
        orgs,
        dup_org,
        np.zeros(d, np.int64),
        orgs.col("person_first")[dup_org],
        orgs.col("person_last")[dup_org],
        dups["account_sec"].to_numpy() + 30,
        rng.integers(0, len(TITLES), d),
        rng.random(d) < EMAIL_OPT_OUT_SHARE,
        rng.integers(600_000_000, 799_999_999, d),
    ).with_columns(account_id=duplicate_ids)
    ids = block.ids(
        "003",
        12,
        np.concatenate([created_sec, dup["created_sec"].to_numpy()]),
        np.concatenate([org, dup_org + n]),
        np.concatenate([position, np.zeros(d, np.int64)]),
    )
    return (
        own.with_columns(contact_id=ids.head(k)),
        dup.with_columns(contact_id=ids.tail(d)),
    )


def _contact_rows(
    orgs: Organisations,
    org: np.ndarray,
    position: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    created_sec: np.ndarray,
    title: np.ndarray,
    opt_out: np.ndarray,
    phone: np.ndarray,
) -> pl.DataFrame:
    frame = orgs.frame
    domain = pl.select(
        pl.concat_str(frame["slug"].gather(org), pl.lit("."), frame["tld"].gather(org))
    ).to_series()
    phone_prefix = frame["phone"].gather(org).str.split(" ").list.first()
    phones = pl.select(
        pl.concat_str(phone_prefix, pl.Series(phone).cast(pl.String), separator=" ")
    ).to_series()
    created = datetime_series(created_sec)
    return pl.DataFrame(
        {
            "first_name": first_names(first),
            "last_name": last_names(last),
            "email": emails(first, last, domain),
            "phone": phones,
            "title": pl.Series(TITLES).gather(title),
            "country": frame["country"].gather(org),
            "email_opt_out": opt_out,
            "created_at": created,
            "last_modified_at": created,
            "is_deleted": np.zeros(org.size, dtype=bool),
            "org_idx": org,
            "position": position,
            "created_sec": created_sec,
        }
    )

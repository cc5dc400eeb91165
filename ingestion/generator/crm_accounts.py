"""CRM accounts (one per organisation) and their contacts."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.arrays import parent_index, position_in_parent
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.identifiers import sequence_ids
from ingestion.generator.organisations import Organisations
from ingestion.generator.people import draw_people, emails, first_names, last_names
from ingestion.generator.pools import TITLES
from ingestion.generator.randomness import pick_weighted, rng_for
from ingestion.generator.timeline import date_series, datetime_series, office_seconds

ERP_NUMBER_KNOWN_SHARE = 0.7  # customer accounts where sales typed in the ERP customer number
VAT_KNOWN_SHARE = 0.3
EMAIL_OPT_OUT_SHARE = 0.1
CONTACTS_WEIGHTS_CUSTOMER: tuple[float, ...] = (0.3, 0.4, 0.3)  # 1, 2 or 3 contacts
CONTACTS_WEIGHTS_PROSPECT: tuple[float, ...] = (0.6, 0.3, 0.1)
_ACCOUNT_COLUMNS = [
    "account_id",
    "name",
    "website",
    "industry",
    "employee_count",
    "annual_revenue",
    "billing_street",
    "billing_city",
    "billing_postal_code",
    "billing_country",
    "vat_number",
    "phone",
    "owner_id",
    "type",
    "erp_customer_number",
    "created_at",
    "last_modified_at",
    "is_deleted",
    "_extract_on",
]


def number_accounts(orgs: Organisations) -> pl.Series:
    """The CRM account id of each organisation, numbered by account creation time."""
    return sequence_ids("001", 12, orgs.col("account_sec"), orgs.col("org_idx"))


def accounts_table(
    orgs: Organisations,
    account_ids: pl.Series,
    owner_ids: pl.Series,
    customers: ErpCustomers,
    churn_day: np.ndarray,
    seed: int,
) -> pl.DataFrame:
    """`crm.accounts` with one version per change of type.

    Every account starts as a Prospect. A customer's account turns Customer on its first order
    (when the ERP account is opened, and 70% of the time sales copies the ERP number into it),
    and Former Customer on `churn_day` (per organisation, out of range if it never churns).
    """
    rng = rng_for(seed, "crm.accounts")
    n = orgs.size
    frame = orgs.frame
    customer_number = pl.DataFrame({"org_idx": orgs.col("org_idx")}).join(
        customers.frame.select("org_idx", "customer_number"),
        on="org_idx",
        how="left",
        maintain_order="left",
    )["customer_number"]
    known = rng.random(n) < ERP_NUMBER_KNOWN_SHARE
    base = frame.select(
        account_id=account_ids,
        name="name",
        website="website",
        industry="industry",
        employee_count="employee_count",
        annual_revenue="annual_revenue",
        billing_street="street",
        billing_city="city",
        billing_postal_code="postal_code",
        billing_country="country",
        vat_number=pl.when(pl.Series(rng.random(n) < VAT_KNOWN_SHARE)).then("vat_number"),
        phone="phone",
        owner_id=owner_ids,
        created_at=datetime_series(orgs.col("account_sec")),
        is_deleted=pl.lit(False),
    )
    account_sec = orgs.col("account_sec")
    is_customer = orgs.col("is_customer")
    first_order = orgs.col("first_order_day")
    prospect = base.with_columns(
        type=pl.lit("Prospect"),
        erp_customer_number=pl.lit(None, dtype=pl.String),
        last_modified_at=base["created_at"],
        _extract_on=date_series(orgs.col("account_day")),
    )
    won_sec = np.maximum(office_seconds(first_order, rng), account_sec + 60)
    customer = base.with_columns(
        type=pl.lit("Customer"),
        erp_customer_number=pl.when(pl.Series(known)).then(customer_number),
        last_modified_at=datetime_series(won_sec),
        _extract_on=date_series(first_order),
    )
    churned = is_customer & (churn_day > first_order)
    churn_sec = np.maximum(office_seconds(churn_day, rng), won_sec + 60)
    former = customer.with_columns(
        type=pl.lit("Former Customer"),
        last_modified_at=datetime_series(churn_sec),
        _extract_on=date_series(churn_day),
    )
    return pl.concat(
        [
            prospect.select(_ACCOUNT_COLUMNS),
            customer.filter(pl.Series(is_customer)).select(_ACCOUNT_COLUMNS),
            former.filter(pl.Series(churned)).select(_ACCOUNT_COLUMNS),
        ]
    )


def build_contacts(orgs: Organisations, account_ids: pl.Series, seed: int) -> pl.DataFrame:
    """`crm.contacts` plus internal org_idx and created_sec, sorted by organisation.

    The first contact is the person the organisation came in through (the lead, when there was
    one) and is created with the account; up to two colleagues are added within six months.
    """
    rng = rng_for(seed, "crm.contacts")
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
    frame = orgs.frame
    domain = pl.select(
        pl.concat_str(frame["slug"].gather(org), pl.lit("."), frame["tld"].gather(org))
    ).to_series()
    phone_prefix = frame["phone"].gather(org).str.split(" ").list.first()
    phone = pl.select(
        pl.concat_str(
            phone_prefix,
            pl.Series(rng.integers(600_000_000, 799_999_999, k)).cast(pl.String),
            separator=" ",
        )
    ).to_series()
    created = datetime_series(created_sec)
    return pl.DataFrame(
        {
            "contact_id": sequence_ids("003", 12, created_sec, org, position),
            "account_id": account_ids.gather(org),
            "first_name": first_names(first),
            "last_name": last_names(last),
            "email": emails(first, last, domain),
            "phone": phone,
            "title": pl.Series(TITLES).gather(rng.integers(0, len(TITLES), k)),
            "country": frame["country"].gather(org),
            "email_opt_out": rng.random(k) < EMAIL_OPT_OUT_SHARE,
            "created_at": created,
            "last_modified_at": created,
            "is_deleted": np.zeros(k, dtype=bool),
            "org_idx": org,
            "created_sec": created_sec,
        }
    )


def contacts_table(contacts: pl.DataFrame) -> pl.DataFrame:
    """`crm.contacts`, each extracted on the day it was created."""
    return contacts.with_columns(_extract_on=pl.col("created_at").dt.date()).drop(
        "org_idx", "created_sec"
    )

"""CRM accounts: one per organisation, some twice, in one version per change of type."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.org_defects import (
    ERP_NUMBER_MISSING,
    ERP_NUMBER_WRONG,
    NAME_IN_CRM,
    OrgDefects,
)
from ingestion.generator.organisations import Organisations
from ingestion.generator.tags import tag
from ingestion.generator.timeline import date_series, datetime_series, office_seconds

VAT_KNOWN_SHARE = 0.3
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


def number_accounts(
    orgs: Organisations, defects: OrgDefects, block: Block
) -> tuple[pl.Series, pl.Series]:
    """CRM account ids, numbered by creation time: one per organisation, one per duplicate."""
    dups = defects.duplicate_accounts
    seconds = np.concatenate([orgs.col("account_sec"), dups["account_sec"].to_numpy()])
    tie = np.concatenate([orgs.col("org_idx"), dups["org_idx"].to_numpy() + orgs.size])
    ids = block.ids("001", 12, seconds, tie)
    return ids.head(orgs.size), ids.tail(dups.height)


def _erp_numbers(
    orgs: Organisations, customers: ErpCustomers, defects: OrgDefects, block: Block
) -> tuple[pl.Series, pl.Series]:
    """The ERP number sales typed on each organisation's account, and why it is wrong if it is.

    A wrong number points at the organisation's own second ERP record when it has one (the
    account was linked to the duplicate), otherwise at another customer's record.
    """
    rng = block.rng("defects.erp_numbers")
    n = orgs.size
    primary = customers.frame.head(customers.n_primary).select("org_idx", "customer_number")
    own = pl.DataFrame({"org_idx": orgs.col("org_idx")}).join(
        primary, on="org_idx", how="left", maintain_order="left"
    )["customer_number"]
    dup_row = customers.duplicate_rows(n)
    has_dup = pl.Series(dup_row >= 0)
    other = primary["customer_number"].gather(rng.integers(0, max(primary.height, 1), n))
    second = customers.frame["customer_number"].gather(np.maximum(dup_row, 0))
    wrong = pl.Series(defects.erp_number == ERP_NUMBER_WRONG)
    missing = pl.Series(defects.erp_number == ERP_NUMBER_MISSING)
    numbers = pl.select(
        stale=pl.when(has_dup).then(second).otherwise(other),
        reason=pl.when(has_dup)
        .then(pl.lit("points at the organisation's second ERP record "))
        .otherwise(pl.lit("points at another organisation's ERP record ")),
    ).with_columns(
        typed=pl.when(wrong).then("stale").when(missing).then(None).otherwise(own),
        why=pl.when(wrong).then(pl.concat_str("reason", "stale")),
    )
    return numbers["typed"], numbers["why"]


def accounts_table(
    orgs: Organisations,
    account_ids: pl.Series,
    duplicate_ids: pl.Series,
    owner_ids: pl.Series,
    customers: ErpCustomers,
    churn_day: np.ndarray,
    defects: OrgDefects,
    block: Block,
) -> pl.DataFrame:
    """`crm.accounts` with one version per change of type, and the duplicate accounts.

    Every account starts as a Prospect. A customer's account turns Customer on its first order
    (when sales types the ERP number into it) and Former Customer on `churn_day` (per
    organisation, out of range if it never churns). A duplicate account is a Prospect under a
    variant name until it is merged into the first one, which deletes it.
    """
    rng = block.rng("crm.accounts")
    n = orgs.size
    frame = orgs.frame
    typed_number, wrong_why = _erp_numbers(orgs, customers, defects, block)
    base = frame.select(
        account_id=account_ids,
        name=defects.crm_name,
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
        erp_customer_number=typed_number,
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
    own = pl.concat(
        [
            prospect.select(_ACCOUNT_COLUMNS),
            customer.filter(pl.Series(is_customer)).select(_ACCOUNT_COLUMNS),
            former.filter(pl.Series(churned)).select(_ACCOUNT_COLUMNS),
        ]
    )
    org = pl.concat(
        [
            pl.Series(np.arange(n)),
            pl.Series(np.flatnonzero(is_customer)),
            pl.Series(np.flatnonzero(churned)),
        ]
    ).to_numpy()
    own = _tag_accounts(own, org, orgs, defects, wrong_why)
    return pl.concat([own, _duplicate_accounts(base, duplicate_ids, account_ids, defects)])


def _tag_accounts(
    accounts: pl.DataFrame,
    org: np.ndarray,
    orgs: Organisations,
    defects: OrgDefects,
    wrong_why: pl.Series,
) -> pl.DataFrame:
    is_customer_version = (accounts["type"] != "Prospect").to_numpy()
    crm_variant = (defects.name_side == NAME_IN_CRM)[org]
    original = orgs.frame["name"].gather(org)
    accounts = tag(
        accounts,
        crm_variant,
        "name_variant",
        pl.concat_str(
            pl.lit("CRM name '"),
            pl.col("name"),
            pl.lit("' is a variant ("),
            pl.lit(defects.name_variant.gather(org)),
            pl.lit(") of the name '"),
            pl.lit(original),
            pl.lit("' used in the ERP"),
        ),
    )
    missing = is_customer_version & (defects.erp_number == ERP_NUMBER_MISSING)[org]
    accounts = tag(
        accounts, missing, "erp_number_missing", "customer account without erp_customer_number"
    )
    wrong = is_customer_version & (defects.erp_number == ERP_NUMBER_WRONG)[org]
    return tag(accounts, wrong, "erp_number_wrong", pl.lit(wrong_why.gather(org)))


def _duplicate_accounts(
    base: pl.DataFrame, duplicate_ids: pl.Series, account_ids: pl.Series, defects: OrgDefects
) -> pl.DataFrame:
    """The duplicates' versions: created as a Prospect, deleted when merged into the first."""
    dups = defects.duplicate_accounts
    org = dups["org_idx"].to_numpy()
    created = datetime_series(dups["account_sec"].to_numpy())
    opened = (
        base[org]
        .with_columns(
            account_id=duplicate_ids,
            name=dups["name"],
            website=pl.lit(None, dtype=pl.String),
            employee_count=pl.lit(None, dtype=pl.Int64),
            annual_revenue=pl.lit(None, dtype=pl.Float64),
            vat_number=pl.lit(None, dtype=pl.String),
            type=pl.lit("Prospect"),
            erp_customer_number=pl.lit(None, dtype=pl.String),
            created_at=created,
            last_modified_at=created,
            _extract_on=date_series(dups["account_day"].to_numpy()),
        )
        .select(_ACCOUNT_COLUMNS)
    )
    opened = tag(
        opened,
        np.ones(dups.height, dtype=bool),
        "duplicate_account",
        pl.concat_str(
            pl.lit("second CRM account of the organisation of account "),
            pl.lit(account_ids.gather(org)),
            pl.lit(", named '"),
            pl.col("name"),
            pl.lit("' ("),
            pl.lit(dups["variant"]),
            pl.lit(")"),
        ),
    )
    merged = dups["merge_day"].to_numpy() >= 0
    deleted = opened.filter(pl.Series(merged)).with_columns(
        is_deleted=pl.lit(True),
        last_modified_at=datetime_series(dups["merge_sec"].to_numpy()[merged]),
        _extract_on=date_series(dups["merge_day"].to_numpy()[merged]),
        _defect=pl.lit(None, dtype=pl.String),
        _defect_detail=pl.lit(None, dtype=pl.String),
    )
    return pl.concat([opened, deleted], how="vertical_relaxed")

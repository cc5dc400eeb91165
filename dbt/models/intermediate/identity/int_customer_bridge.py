"""Identity resolution as a dbt Python model: every CRM account and ERP customer record mapped
to one customer_key (c360.identity: deterministic rules, then Splink, then clustering).

It runs inside the dbt process, so the warehouse keeps a single writer. The previous run's
bridge (this table, before it is replaced) keeps keys stable; stewards' decisions come from the
CSV file named by C360_IDENTITY_OVERRIDES (columns record_a, record_b, decision).
"""

import os
from pathlib import Path

import polars as pl


def _overrides() -> pl.DataFrame | None:
    path = os.environ.get("C360_IDENTITY_OVERRIDES")
    if path and Path(path).is_file():
        return pl.read_csv(path, infer_schema=False)
    return None


def _previous(dbt, session) -> pl.DataFrame | None:
    try:
        return session.sql(
            f"select customer_key, source_system, source_record_id from {dbt.this}"
        ).pl()
    except Exception:  # first build: no previous table
        return None


def model(dbt, session):
    """The bridge: customer_key, source_system, source_record_id, match_rule, probability."""
    dbt.config(materialized="table")
    from c360.identity.resolve import resolve_identities

    accounts = dbt.ref("stg_crm__accounts").pl()
    contacts = dbt.ref("stg_crm__contacts").pl()
    customers = dbt.ref("stg_erp__customers").pl()
    extracted = [
        d for d in (customers["_extract_date"].max(), accounts["_extract_date"].max()) if d
    ]
    result = resolve_identities(
        accounts,
        contacts,
        customers,
        overrides=_overrides(),
        previous=_previous(dbt, session),
        as_of=max(extracted),
    )
    return result.bridge

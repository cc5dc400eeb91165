"""Pairs the matcher was not sure enough of, and ERP numbers in CRM it distrusted, for stewards.

Resolution runs again here (a Python model has one output); it is deterministic, and takes
about 5 s at 100,000 customers (docs/identity.md).
"""

import os
from pathlib import Path

import polars as pl


def model(dbt, session):
    """record_a, record_b, probability, reason (probable_match | stale_erp_number)."""
    dbt.config(materialized="table")
    from c360.identity.resolve import resolve_identities

    path = os.environ.get("C360_IDENTITY_OVERRIDES")
    overrides = pl.read_csv(path, infer_schema=False) if path and Path(path).is_file() else None
    accounts = dbt.ref("stg_crm__accounts").pl()
    customers = dbt.ref("stg_erp__customers").pl()
    result = resolve_identities(
        accounts,
        dbt.ref("stg_crm__contacts").pl(),
        customers,
        overrides=overrides,
        as_of=max(
            d for d in (customers["_extract_date"].max(), accounts["_extract_date"].max()) if d
        ),
    )
    return result.review_queue

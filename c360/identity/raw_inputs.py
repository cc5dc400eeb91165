"""Staging-shaped inputs read straight from the raw area, for tests and benchmarks without dbt.

The same selection as the dbt staging models: the latest version of each record (by extract
date, then row number within the file), CRM records deleted in the CRM left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class StagingInputs:
    """`stg_crm__accounts`, `stg_crm__contacts` and `stg_erp__customers`-shaped frames."""

    crm_accounts: pl.DataFrame
    crm_contacts: pl.DataFrame
    erp_customers: pl.DataFrame


def latest_records(raw_dir: Path, source: str, entity: str, key: str) -> pl.DataFrame:
    """The latest version of every record of `<raw_dir>/<source>/<entity>/*.parquet`."""
    # files differ when a column was added or renamed at some date: align them by name
    files = sorted((Path(raw_dir) / source / entity).glob("*.parquet"))
    frame = pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")
    frame = frame.sort("_extract_date", "_row_number", maintain_order=True).unique(
        subset=[key], keep="last", maintain_order=True
    )
    if "is_deleted" in frame.collect_schema().names():
        frame = frame.filter(~pl.col("is_deleted").fill_null(False))
    audit = [c for c in frame.collect_schema().names() if c.startswith("_")]
    return frame.drop(audit).sort(key).collect()


def read_staging_inputs(raw_dir: Path) -> StagingInputs:
    """The three frames `resolve_identities` takes, from an ingested raw area."""
    return StagingInputs(
        crm_accounts=latest_records(raw_dir, "crm", "accounts", "account_id"),
        crm_contacts=latest_records(raw_dir, "crm", "contacts", "contact_id"),
        erp_customers=latest_records(raw_dir, "erp", "customers", "customer_number"),
    )

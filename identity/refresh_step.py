"""What the refresh runs for identity: the overrides file, then the resolution of staged records."""

from __future__ import annotations

import os
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import duckdb

OVERRIDES_ENV = "C360_IDENTITY_OVERRIDES"
BRIDGE_OUTPUT = "bridge"
REVIEW_OUTPUT = "review_queue"


def read_overrides(path: Path | str | None = None) -> pl.DataFrame | None:
    """`record_a, record_b, decision` from the CSV at `path` (default: `$C360_IDENTITY_OVERRIDES`).

    None when there is no such file: no decision has been taken yet.
    """
    path = path or os.environ.get(OVERRIDES_ENV)
    if not path or not Path(path).is_file():
        return None
    return pl.read_csv(path, infer_schema=False)


def resolve_staged_records(
    crm_accounts: pl.DataFrame,
    crm_contacts: pl.DataFrame,
    erp_customers: pl.DataFrame,
    rule_pairs: pl.DataFrame,
    erp_number_pairs: pl.DataFrame,
    previous: pl.DataFrame | None = None,
    build_connection: duckdb.DuckDBPyConnection | None = None,
):
    """Resolve the staging models' current records as the refresh does (the dbt Python models).

    `rule_pairs` and `erp_number_pairs` are the SQL stage's tables (`int_identity_rule_pairs`,
    `int_identity_erp_number_pairs`: its stale rows go to the review queue). The date of the
    resolution is the newest extract date among the inputs, so a rebuild of the same extracts
    gives the same history dates; decisions come from the overrides file. `build_connection`
    (the dbt model's `session`) runs at half the build's memory limit meanwhile: Splink scores
    in a DuckDB instance of its own with the other half (c360.build_files.sharing_memory).
    """
    from c360.build_files import sharing_memory
    from c360.settings import Settings
    from identity.resolve import resolve_identities

    dates = [f["_extract_date"].max() for f in (crm_accounts, erp_customers) if f.height]
    shared = (
        nullcontext()
        if build_connection is None
        else sharing_memory(build_connection, Settings.from_env())
    )
    with shared:
        return resolve_identities(
            crm_accounts,
            crm_contacts,
            erp_customers,
            rule_pairs=rule_pairs,
            stale_erp_numbers=erp_number_pairs.filter(pl.col("is_stale")),
            overrides=read_overrides(),
            previous=previous,
            # no record at all (a first delivery of empty files): no event carries the date
            as_of=max(dates, default=date.min),
        )


def resolution_table(result) -> pl.DataFrame:
    """The bridge and the review queue of one resolution in one table, told apart by `output`.

    What the dbt Python model int_identity_resolution returns (a Python model has one output);
    int_customer_bridge and int_identity_review_queue select their rows. Each output's columns
    are null on the other's rows, and present even when both are empty.
    """
    return pl.concat(
        [
            result.bridge.select(pl.lit(BRIDGE_OUTPUT).alias("output"), pl.all()),
            result.review_queue.select(pl.lit(REVIEW_OUTPUT).alias("output"), pl.all()),
        ],
        how="diagonal",
    )

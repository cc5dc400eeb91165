"""The answer key, written outside the landing folder: who is who, and what was injected.

Tests and benchmarks compare the warehouse's customer matching against `organisations.parquet`;
the pipeline itself must never read it.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from ingestion.generator.simulation import Simulation
from ingestion.generator.timeline import Timeline, date_series

ORGANISATIONS_FILE = "organisations.parquet"
MANIFEST_FILE = "manifest.json"


def organisations_truth(simulation: Simulation, timeline: Timeline) -> pl.DataFrame:
    """One row per organisation with a record in the extracts, and the keys it has there.

    Only accounts created and ERP customers opened by the last extract date are listed, so the
    truth describes exactly what the extracts contain.
    """
    orgs = simulation.organisations.frame
    end = date_series([timeline.end])[0]
    accounts = pl.DataFrame(
        {"org_idx": orgs["org_idx"], "account_id": simulation.account_ids}
    ).filter(date_series(orgs["account_day"].to_numpy()) <= end)
    customers = simulation.customers.frame.filter(pl.col("created_on") <= end).select(
        "org_idx", "customer_number"
    )
    keys = (
        orgs.select("org_idx", "org_id", "name", "country", "segment", "currency")
        .join(
            accounts.group_by("org_idx").agg(crm_account_ids=pl.col("account_id").sort()),
            on="org_idx",
            how="left",
        )
        .join(
            customers.group_by("org_idx").agg(
                erp_customer_numbers=pl.col("customer_number").sort()
            ),
            on="org_idx",
            how="left",
        )
        .filter(
            pl.col("crm_account_ids").is_not_null() | pl.col("erp_customer_numbers").is_not_null()
        )
        .with_columns(
            pl.col("crm_account_ids").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.col("erp_customer_numbers").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        )
        .sort("org_idx")
        .drop("org_idx")
    )
    return keys.with_columns(is_customer=pl.col("erp_customer_numbers").list.len() > 0)


def write_truth(
    truth_dir: Path,
    simulation: Simulation,
    timeline: Timeline,
    arguments: dict[str, Any],
    rows_by_entity: dict[str, int],
) -> None:
    """Write `organisations.parquet` and `manifest.json` (arguments, row counts, defects)."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    organisations = organisations_truth(simulation, timeline)
    temporary = truth_dir / f".{ORGANISATIONS_FILE}.tmp"
    organisations.write_parquet(temporary)
    os.replace(temporary, truth_dir / ORGANISATIONS_FILE)
    manifest = {
        "arguments": {k: v.isoformat() if isinstance(v, date) else v for k, v in arguments.items()},
        "extract_dates": [d.isoformat() for d in timeline.extract_dates],
        "history_start": date_series([timeline.history_start])[0].isoformat(),
        "organisations": organisations.height,
        "rows_by_entity": dict(sorted(rows_by_entity.items())),
        # defects injected into the extracts, by kind; this first version writes clean data
        "defects": {},
    }
    temporary = truth_dir / f".{MANIFEST_FILE}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, truth_dir / MANIFEST_FILE)

"""The answer key, written outside the landing folder.

Who is who, what was injected, and what the figures are by construction:

- `organisations.parquet`: the true organisation behind every CRM account and ERP customer,
  duplicates included;
- `defects.parquet`: one row per injected defect, where it is and what the warehouse should do;
- `monthly_truth.parquet`: revenue, margin, new customers and sales & marketing spend per month,
  computed from the simulation with the warehouse's conventions, before any defect;
- `customer_months.parquet`: revenue and margin per organisation and month, for retention, NRR
  and lifetime value;
- `cost_to_serve.parquet`: activity-based cost to serve per organisation, month and driver, at
  the rates `truth_cost_to_serve.DRIVER_RATES_EUR` assumes;
- `subscription_months.parquet`: MRR per organisation and month (its subscription invoices);
- `manifest.json`: the arguments, row counts and defect counts.

Tests and benchmarks compare the warehouse against these files; the pipeline must never read them.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.org_defects import OrgDefects
from ingestion.generator.organisations import Organisations
from ingestion.generator.timeline import (
    Timeline,
    date_series,
)
from ingestion.generator.truth_accumulator import TruthAccumulator
from ingestion.generator.truth_cost_to_serve import DRIVER_RATES_EUR, priced

ORGANISATIONS_FILE = "organisations.parquet"
DEFECTS_FILE = "defects.parquet"
MONTHLY_FILE = "monthly_truth.parquet"
CUSTOMER_MONTHS_FILE = "customer_months.parquet"
COST_TO_SERVE_FILE = "cost_to_serve.parquet"
SUBSCRIPTION_MONTHS_FILE = "subscription_months.parquet"
MANIFEST_FILE = "manifest.json"


def organisations_truth(
    orgs: Organisations,
    account_ids: pl.Series,
    duplicate_ids: pl.Series,
    defects: OrgDefects,
    customers: ErpCustomers,
    timeline: Timeline,
) -> pl.DataFrame:
    """One row per organisation of a block with a record in the extracts, and its keys there.

    Only accounts created and ERP customers opened by the last extract date are listed, so the
    truth describes exactly what the extracts contain.
    """
    accounts = pl.concat(
        [
            pl.DataFrame(
                {
                    "org_idx": orgs.col("org_idx"),
                    "account_id": account_ids,
                    "day": orgs.col("account_day"),
                }
            ),
            pl.DataFrame(
                {
                    "org_idx": defects.duplicate_accounts["org_idx"],
                    "account_id": duplicate_ids,
                    "day": defects.duplicate_accounts["account_day"],
                }
            ),
        ]
    ).filter(pl.col("day") <= timeline.end)
    end = date_series([timeline.end])[0]
    numbers = customers.frame.filter(pl.col("created_on") <= end).select(
        "org_idx", "customer_number"
    )
    keys = (
        orgs.frame.select("org_idx", "org_id", "name", "country", "segment", "currency")
        .join(
            accounts.group_by("org_idx").agg(crm_account_ids=pl.col("account_id").sort()),
            on="org_idx",
            how="left",
        )
        .join(
            numbers.group_by("org_idx").agg(erp_customer_numbers=pl.col("customer_number").sort()),
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


def _write_parquet(frame: pl.DataFrame, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    frame.write_parquet(temporary)
    os.replace(temporary, path)


def write_truth(
    truth_dir: Path,
    accumulator: TruthAccumulator,
    gl_entries: pl.DataFrame,
    defects: pl.DataFrame,
    arguments: dict[str, Any],
    rows_by_entity: dict[str, int],
) -> dict[str, int]:
    """Write the ground-truth files; returns the defect counts by code."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    timeline = accumulator.timeline
    organisations = pl.concat(accumulator.organisations)
    _write_parquet(organisations, truth_dir / ORGANISATIONS_FILE)
    _write_parquet(defects, truth_dir / DEFECTS_FILE)
    _write_parquet(accumulator.monthly(gl_entries), truth_dir / MONTHLY_FILE)
    _write_parquet(pl.concat(accumulator.customer_months), truth_dir / CUSTOMER_MONTHS_FILE)
    costs = priced(pl.concat(accumulator.cost_to_serve)).select(
        "org_id", "month", "driver", "volume", "rate_eur", "cost_eur"
    )
    _write_parquet(costs, truth_dir / COST_TO_SERVE_FILE)
    _write_parquet(pl.concat(accumulator.subscription_months), truth_dir / SUBSCRIPTION_MONTHS_FILE)
    counts = {
        code: int(n) for code, n in defects.group_by("defect").len().sort("defect").iter_rows()
    }
    manifest = {
        "arguments": {k: v.isoformat() if isinstance(v, date) else v for k, v in arguments.items()},
        "extract_dates": [d.isoformat() for d in timeline.extract_dates],
        "history_start": date_series([timeline.history_start])[0].isoformat(),
        "organisations": organisations.height,
        "rows_by_entity": dict(sorted(rows_by_entity.items())),
        "defects": {"profile": arguments["defects"], "counts": counts},
        "driver_rates_eur": DRIVER_RATES_EUR,
    }
    temporary = truth_dir / f".{MANIFEST_FILE}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, truth_dir / MANIFEST_FILE)
    return counts

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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ingestion.generator.erp_billing import Billing
from ingestion.generator.erp_catalogue import Catalogue
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.erp_projects import Projects
from ingestion.generator.fx import FxRates
from ingestion.generator.org_defects import OrgDefects
from ingestion.generator.organisations import Organisations
from ingestion.generator.simulation import BlockSimulation
from ingestion.generator.timeline import (
    Timeline,
    date_series,
    first_day,
    last_day,
    month_of,
    weekday,
)
from ingestion.generator.truth_cost_to_serve import DRIVER_RATES_EUR, driver_volumes, priced

ORGANISATIONS_FILE = "organisations.parquet"
DEFECTS_FILE = "defects.parquet"
MONTHLY_FILE = "monthly_truth.parquet"
CUSTOMER_MONTHS_FILE = "customer_months.parquet"
COST_TO_SERVE_FILE = "cost_to_serve.parquet"
SUBSCRIPTION_MONTHS_FILE = "subscription_months.parquet"
MANIFEST_FILE = "manifest.json"
# General-ledger accounts counted as sales and marketing spend (the reference mapping of
# docs/generator.md): advertising (campaign costs), agencies, trade shows and the sales team's
# payroll.
SALES_AND_MARKETING_ACCOUNTS: tuple[str, ...] = ("6230", "6231", "6233", "6410")
_MICRO = 1_000_000


def _rate_micros(fx: FxRates, currency_idx: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Published rates (6 decimals) as integer millionths."""
    return np.round(fx.rate(currency_idx, months) * _MICRO).astype(np.int64)


def _round_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Numerator / denominator rounded half away from zero, in integers (numerator >= 0)."""
    return (numerator + denominator // 2) // denominator


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


@dataclass
class TruthAccumulator:
    """Monthly figures summed block by block, in integer cents."""

    timeline: Timeline
    fx: FxRates
    catalogue: Catalogue
    employee_cost_cents: np.ndarray
    employee_weekly_hours: np.ndarray
    revenue: np.ndarray = field(init=False)
    margin: np.ndarray = field(init=False)
    new_customers: np.ndarray = field(init=False)
    daily_revenue: np.ndarray = field(init=False)
    receivables: np.ndarray = field(init=False)
    billable_hours: np.ndarray = field(init=False)
    won: np.ndarray = field(init=False)
    lost: np.ndarray = field(init=False)
    organisations: list[pl.DataFrame] = field(default_factory=list)
    customer_months: list[pl.DataFrame] = field(default_factory=list)
    cost_to_serve: list[pl.DataFrame] = field(default_factory=list)
    subscription_months: list[pl.DataFrame] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.timeline.last_month - self.timeline.first_month + 1
        self.revenue = np.zeros(n, dtype=np.int64)
        self.margin = np.zeros(n, dtype=np.int64)
        self.new_customers = np.zeros(n, dtype=np.int64)
        self.daily_revenue = np.zeros(self.timeline.end - self.timeline.history_start + 1)
        self.receivables = np.zeros(n)
        self.billable_hours = np.zeros(n)
        self.won = np.zeros(n, dtype=np.int64)
        self.lost = np.zeros(n, dtype=np.int64)

    def add_block(
        self,
        orgs: Organisations,
        customers: ErpCustomers,
        billing: Billing,
        projects: Projects,
        organisations: pl.DataFrame,
    ) -> None:
        """Price a block's invoice lines the warehouse's way and add them to the months."""
        self.organisations.append(organisations)
        lines = billing.revenue_lines.filter(
            (pl.col("invoice_day") <= self.timeline.end) & ~pl.col("is_cancelled")
        )
        day = lines["invoice_day"].to_numpy()
        month = month_of(day)
        is_credit = lines["is_credit"].to_numpy()
        rate = _rate_micros(self.fx, lines["currency_idx"].to_numpy(), month)
        revenue = _round_div(lines["net_cents"].to_numpy() * rate, _MICRO)
        revenue = np.where(is_credit, -revenue, revenue)
        cogs = np.where(
            is_credit,
            0,
            self._goods_cogs(lines, day, month) + self._project_cogs(lines, projects, month),
        )
        org = customers.col("org_idx")[lines["cust_row"].to_numpy()]
        slot = month - self.timeline.first_month
        n = self.revenue.size
        self.revenue += np.bincount(slot, weights=revenue, minlength=n).astype(np.int64)
        self.margin += np.bincount(slot, weights=revenue - cogs, minlength=n).astype(np.int64)
        invoiced = ~is_credit
        first = np.full(orgs.size, np.iinfo(np.int64).max)
        np.minimum.at(first, org[invoiced], day[invoiced])
        has_first = first < np.iinfo(np.int64).max
        first_slot = month_of(first[has_first]) - self.timeline.first_month
        self.new_customers += np.bincount(first_slot, minlength=n)
        per_org = (
            pl.DataFrame(
                {"org_idx": org, "month": month, "revenue": revenue, "margin": revenue - cogs}
            )
            .group_by("org_idx", "month")
            .agg(pl.col("revenue").sum(), pl.col("margin").sum())
            .sort("org_idx", "month")
        )
        self.customer_months.append(
            per_org.select(
                org_id=orgs.frame["org_id"].gather(per_org["org_idx"]),
                month=date_series(first_day(per_org["month"].to_numpy())),
                net_revenue_eur=_euros(per_org["revenue"]),
                gross_margin_eur=_euros(per_org["margin"]),
            )
        )
        self.daily_revenue += np.bincount(
            day - self.timeline.history_start, weights=revenue, minlength=self.daily_revenue.size
        )
        product = lines["product_row"].to_numpy()
        recurring = ~is_credit & (product >= 0)
        recurring[recurring] = self.catalogue.is_subscription[product[recurring]]
        mrr = (
            pl.DataFrame({"org_idx": org, "month": month, "mrr": revenue})
            .filter(pl.Series(recurring))
            .group_by("org_idx", "month")
            .agg(pl.col("mrr").sum())
            .sort("org_idx", "month")
        )
        self.subscription_months.append(
            mrr.select(
                org_id=orgs.frame["org_id"].gather(mrr["org_idx"]),
                month=date_series(first_day(mrr["month"].to_numpy())),
                mrr_eur=_euros(mrr["mrr"]),
            )
        )

    def add_operations(self, simulation: BlockSimulation) -> None:
        """Add a block's cost-to-serve volumes, receivables, consultants' hours and deals."""
        timeline = self.timeline
        volumes = driver_volumes(
            simulation.tables,
            simulation.account_ids,
            simulation.customers,
            simulation.sales,
            simulation.billing,
            simulation.projects,
            self.fx,
            timeline,
        )
        self.cost_to_serve.append(
            volumes.with_columns(
                org_id=simulation.organisations.frame["org_id"].gather(volumes["org_idx"]),
                month=pl.Series(date_series(first_day(volumes["month"].to_numpy()))),
            )
        )
        months = np.arange(timeline.first_month, timeline.last_month + 1)
        month_ends = np.minimum(last_day(months), timeline.end)
        owed = simulation.billing.receivables
        issued = owed["invoice_day"].to_numpy()
        settled = owed["settled_day"].to_numpy()
        eur = (
            owed["gross_cents"].to_numpy()
            * self.fx.rate(owed["currency_idx"].to_numpy(), month_of(issued))
            / 100.0
        )
        for i, end in enumerate(month_ends):
            self.receivables[i] += eur[(issued <= end) & (settled > end)].sum()
        sheets = simulation.projects.timesheets.filter(pl.col("is_billable"))
        slot = month_of(sheets["work_day"].to_numpy()) - timeline.first_month
        self.billable_hours += np.bincount(
            slot, weights=sheets["half_hours"].to_numpy() / 2.0, minlength=months.size
        )
        self._add_deals(simulation.tables["crm.opportunities"])

    def _add_deals(self, opportunities: pl.DataFrame) -> None:
        """New-business deals won and lost per close month, deleted ones left out."""
        end = date_series([self.timeline.end])[0]
        sent = opportunities.filter(pl.col("_extract_on") <= end)
        deleted = sent.filter(pl.col("is_deleted").fill_null(False))["opportunity_id"]
        closed = sent.filter(
            (pl.col("type") == "New Business")
            & pl.col("stage").is_in(["Closed Won", "Closed Lost"])
            & ~pl.col("opportunity_id").is_in(deleted.implode())
        ).unique("opportunity_id")
        slot = month_of(closed["close_date"].cast(pl.Int64).to_numpy()) - self.timeline.first_month
        won = (closed["stage"] == "Closed Won").to_numpy()
        n = self.won.size
        inside = (slot >= 0) & (slot < n)
        self.won += np.bincount(slot[inside & won], minlength=n)
        self.lost += np.bincount(slot[inside & ~won], minlength=n)

    def capacity_hours(self) -> np.ndarray:
        """Consultants' capacity per month: weekly hours / 5 x the month's weekdays."""
        months = np.arange(self.timeline.first_month, self.timeline.last_month + 1)
        days = np.arange(self.timeline.history_start, last_day(months[-1:])[0] + 1)
        weekdays = np.bincount(
            month_of(days[weekday(days) < 5]) - self.timeline.first_month, minlength=months.size
        )
        return weekdays * self.employee_weekly_hours.sum() / 5.0

    def revenue_90_days(self) -> np.ndarray:
        """Net revenue (EUR) of the 90 days ending with each month's last day (or the end)."""
        months = np.arange(self.timeline.first_month, self.timeline.last_month + 1)
        ends = np.minimum(last_day(months), self.timeline.end) - self.timeline.history_start
        cumulative = np.concatenate([[0.0], np.cumsum(self.daily_revenue)])
        return (cumulative[ends + 1] - cumulative[np.maximum(ends - 89, 0)]) / 100.0

    def _goods_cogs(self, lines: pl.DataFrame, day: np.ndarray, month: np.ndarray) -> np.ndarray:
        """Quantity x standard cost valid at the invoice date x the cost currency's rate."""
        product = lines["product_row"].to_numpy()
        costs = self.catalogue.costs
        skus = self.catalogue.skus.to_list()
        row = np.array([skus.index(s) for s in costs["sku"].to_list()], dtype=np.int64)
        valid_from = costs["valid_from"].cast(pl.Int64).to_numpy()
        cost4 = np.round(costs["standard_unit_cost"].to_numpy() * 10_000).astype(np.int64)
        cost_currency = np.zeros(costs.height, dtype=np.int64)  # standard costs are in EUR
        # per costed line: the cost row of its SKU with the latest valid_from <= invoice day
        order = np.lexsort((valid_from, row))
        row, valid_from, cost4 = row[order], valid_from[order], cost4[order]
        cost_currency = cost_currency[order]
        key = row * 10**7 + valid_from
        costed = np.isin(product, row)
        position = np.searchsorted(key, product * 10**7 + day, side="right") - 1
        position = np.clip(position, 0, key.size - 1)
        valid = costed & (row[position] == product)
        rate = _rate_micros(self.fx, cost_currency[position], month)
        exact = lines["q100"].to_numpy() * cost4[position] * rate
        return np.where(valid, _round_div(exact, 10_000_000_000), 0)

    def _project_cogs(
        self, lines: pl.DataFrame, projects: Projects, month: np.ndarray
    ) -> np.ndarray:
        """The project's billable timesheet cost of the month before the invoice.

        Non-billable hours on a customer's project are cost to serve (their driver in
        truth_cost_to_serve), so COGS leaves them out and each hour is costed once.
        """
        sheets = projects.timesheets.filter(pl.col("is_billable"))
        project_idx = lines["project_idx"].to_numpy()
        if sheets.height == 0 or not (project_idx >= 0).any():
            return np.zeros(project_idx.size, dtype=np.int64)
        half_cents = (
            sheets["half_hours"].to_numpy()
            * self.employee_cost_cents[sheets["employee_row"].to_numpy()]
        )
        cost = (
            pl.DataFrame(
                {
                    "project_idx": sheets["project_idx"].to_numpy(),
                    "month": month_of(sheets["work_day"].to_numpy()),
                    "half_cents": half_cents,
                }
            )
            .group_by("project_idx", "month")
            .agg(pl.col("half_cents").sum())
        )
        wanted = pl.DataFrame({"project_idx": project_idx, "month": month - 1})
        joined = wanted.join(cost, on=["project_idx", "month"], how="left", maintain_order="left")
        half = joined["half_cents"].fill_null(0).to_numpy()
        return np.where(project_idx >= 0, _round_div(half, 2), 0)

    def monthly(self, gl_entries: pl.DataFrame) -> pl.DataFrame:
        """The `monthly_truth` rows, with the sales and marketing spend of `gl_entries`."""
        end = date_series([self.timeline.end])[0]
        spend = gl_entries.filter(
            pl.col("account_code").is_in(SALES_AND_MARKETING_ACCOUNTS)
            & (pl.col("posting_date") <= end)
        )
        if (spend["currency"] != "EUR").any():
            raise ValueError("sales and marketing postings are expected in EUR")
        slot = month_of(spend["posting_date"].cast(pl.Int64).to_numpy()) - self.timeline.first_month
        cents = np.round(spend["amount"].to_numpy() * 100).astype(np.int64)
        spend_cents = np.bincount(slot, weights=cents, minlength=self.revenue.size).astype(np.int64)
        months = np.arange(self.timeline.first_month, self.timeline.last_month + 1)
        revenue_90 = self.revenue_90_days()
        return pl.DataFrame(
            {
                "month": date_series(first_day(months)),
                "net_revenue_eur": _euros(pl.Series(self.revenue)),
                "gross_margin_eur": _euros(pl.Series(self.margin)),
                "new_customers": self.new_customers,
                "sales_marketing_spend_eur": _euros(pl.Series(spend_cents)),
                "receivables_eur": np.round(self.receivables, 2),
                "net_revenue_90d_eur": np.round(revenue_90, 2),
                "dso_days": np.divide(
                    self.receivables * 90,
                    revenue_90,
                    out=np.full(months.size, np.nan),
                    where=revenue_90 > 0,
                ),
                "billable_hours": self.billable_hours,
                "capacity_hours": self.capacity_hours(),
                "new_business_won": self.won,
                "new_business_lost": self.lost,
            }
        )


def _euros(cents: pl.Series) -> pl.Series:
    """Integer cents as exact 2-decimal amounts (through text: no binary rounding on the way)."""
    value = cents.cast(pl.Int64)
    text = pl.select(
        pl.concat_str(
            pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit("")),
            (value.abs() // 100).cast(pl.String),
            pl.lit("."),
            (value.abs() % 100).cast(pl.String).str.zfill(2),
        )
    ).to_series()
    return text.cast(pl.Decimal(18, 2))


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

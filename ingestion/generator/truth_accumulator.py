"""The truth's monthly figures, summed block by block as the simulation runs.

Revenue and margin are priced the warehouse's way (`truth_pricing.py`) before any defect;
receivables, consultants' hours, deals won and lost and the sales and marketing spend of the
ledger complete `monthly_truth.parquet`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ingestion.generator.erp_billing import Billing
from ingestion.generator.erp_catalogue import Catalogue
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.erp_projects import Projects
from ingestion.generator.fx import FxRates
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
from ingestion.generator.truth_cost_to_serve import driver_volumes
from ingestion.generator.truth_pricing import (
    MICRO,
    goods_cogs,
    project_cogs,
    rate_micros,
    round_div,
)

# General-ledger accounts counted as sales and marketing spend (the reference mapping of
# docs/generator.md): advertising (campaign costs), agencies, trade shows and the sales team's
# payroll.
SALES_AND_MARKETING_ACCOUNTS: tuple[str, ...] = ("6230", "6231", "6233", "6410")


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
        rate = rate_micros(self.fx, lines["currency_idx"].to_numpy(), month)
        revenue = round_div(lines["net_cents"].to_numpy() * rate, MICRO)
        revenue = np.where(is_credit, -revenue, revenue)
        cogs = np.where(
            is_credit,
            0,
            goods_cogs(self.catalogue, self.fx, lines, day, month)
            + project_cogs(projects, self.employee_cost_cents, lines, month),
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
                net_revenue_eur=euros(per_org["revenue"]),
                gross_margin_eur=euros(per_org["margin"]),
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
                mrr_eur=euros(mrr["mrr"]),
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
                "net_revenue_eur": euros(pl.Series(self.revenue)),
                "gross_margin_eur": euros(pl.Series(self.margin)),
                "new_customers": self.new_customers,
                "sales_marketing_spend_eur": euros(pl.Series(spend_cents)),
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


def euros(cents: pl.Series) -> pl.Series:
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

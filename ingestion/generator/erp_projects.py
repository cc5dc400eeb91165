"""Time-and-materials consulting projects, the consultants' timesheets and monthly billing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.arrays import parent_index, position_in_parent
from ingestion.generator.behaviour import Behaviour
from ingestion.generator.blocks import Block
from ingestion.generator.erp_catalogue import Catalogue
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.fx import FxRates
from ingestion.generator.pools import PROJECT_TOPICS
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.timeline import Timeline, date_series, first_day, month_of, weekday

PROJECT_SHARE = 0.2  # customers who buy a consulting project
STAFFING_WEIGHTS: tuple[float, ...] = (0.4, 0.4, 0.2)  # 1, 2 or 3 consultants per project
DAILY_PRESENCE = 0.6  # a consultant splits the week between projects
# The share of hours not billed (rework, scope disputes, goodwill) is the customer's own:
# `behaviour.non_billable_share`, ~15% for a typical customer.
# Hours per entry in half hours, 1 to 8 hours, mostly half and full days.
HALF_HOURS = np.arange(2, 17)
HALF_HOUR_WEIGHTS: tuple[float, ...] = (
    1,
    1,
    2,
    2,
    3,
    3,
    6,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    8,
)
PLANNED_HOURS_PER_WEEK = 14.0


@dataclass(frozen=True)
class Projects:
    """Projects, timesheets and the monthly invoice lines they produce.

    projects: contract columns plus project_idx, cust_row, start_day.
    timesheets: contract columns plus work_day.
    billing: one row per project and worked month with billable hours: project_idx, project_id,
    cust_row, currency_idx, invoice_day, product_row, sku, q100 (hours x 100), price_cents.
    """

    projects: pl.DataFrame
    timesheets: pl.DataFrame
    billing: pl.DataFrame


def build_projects(
    customers: ErpCustomers,
    employees: pl.DataFrame,
    catalogue: Catalogue,
    fx: FxRates,
    behaviour: Behaviour,
    timeline: Timeline,
    block: Block,
) -> Projects:
    """A project for ~20% of customers, starting 1-4 months after their first order."""
    rng = block.rng("erp.projects")
    cust_row = np.flatnonzero(rng.random(customers.n_primary) < PROJECT_SHARE)
    n = cust_row.size
    start = customers.col("first_order_day")[cust_row] + rng.integers(7, 121, n)
    end = start + rng.integers(60, 271, n)
    currency_idx = customers.col("currency_idx")[cust_row]
    staff = pick_weighted(rng, STAFFING_WEIGHTS, n) + 1
    n_emp = employees.height
    base = rng.integers(0, n_emp, n)
    step = rng.integers(1, (n_emp - 1) // 2 + 1, n)  # base, base+step, base+2*step are distinct
    project_idx = parent_index(staff)
    member = (base[project_idx] + position_in_parent(staff) * step[project_idx]) % n_emp
    bill_eur = employees["bill_rate_per_hour"].to_numpy()
    mean_bill = np.bincount(project_idx, weights=bill_eur[member], minlength=n) / staff
    planned_hours = (end - start) / 7.0 * staff * PLANNED_HOURS_PER_WEEK
    budget_eur = planned_hours * mean_bill
    budget = np.round(budget_eur / fx.rate(currency_idx, month_of(start)) / 100.0) * 100.0
    hourly = catalogue.hourly_services
    product = hourly[rng.integers(0, hourly.size, n)]
    project_id = block.ids("P", 5, start, cust_row)
    topic = pl.Series(PROJECT_TOPICS).gather(rng.integers(0, len(PROJECT_TOPICS), n))
    projects = pl.DataFrame(
        {
            "project_idx": np.arange(n, dtype=np.int64),
            "cust_row": cust_row,
            "start_day": start,
            "project_id": project_id,
            "customer_number": customers.frame["customer_number"].gather(cust_row),
            "name": pl.select(
                pl.concat_str(
                    customers.frame["trading_name"].gather(cust_row), topic, separator=" - "
                )
            ).to_series(),
            "billing_type": ["time and materials"] * n,
            "start_date": date_series(start),
            "end_date": date_series(end),
            "budget": budget,
            "currency": customers.frame["currency"].gather(cust_row),
        }
    )
    non_billable = behaviour.non_billable_share[customers.col("org_idx")[cust_row]]
    timesheets = _timesheets(
        rng, block, project_idx, member, start, end, project_id, employees, non_billable, timeline
    )
    billing = _monthly_billing(
        timesheets, bill_eur, currency_idx, project_id, cust_row, product, catalogue, fx
    )
    return Projects(projects=projects, timesheets=timesheets, billing=billing)


def _timesheets(
    rng: np.random.Generator,
    block: Block,
    project_idx: np.ndarray,
    member: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    project_id: pl.Series,
    employees: pl.DataFrame,
    non_billable: np.ndarray,
    timeline: Timeline,
) -> pl.DataFrame:
    """One entry per consultant and working day on the project, up to the last extract date.

    `non_billable` is each project's share of hours not billed.
    """
    last = np.minimum(end[project_idx], timeline.end)
    days_per_assignment = np.maximum(0, last - start[project_idx] + 1)
    assignment = parent_index(days_per_assignment)
    day = start[project_idx][assignment] + position_in_parent(days_per_assignment)
    keep = (weekday(day) < 5) & (rng.random(day.size) < DAILY_PRESENCE)
    assignment, day = assignment[keep], day[keep]
    k = day.size
    proj = project_idx[assignment]
    emp = member[assignment]
    half_hours = HALF_HOURS[pick_weighted(rng, HALF_HOUR_WEIGHTS, k)]
    return pl.DataFrame(
        {
            "timesheet_id": block.ids("TS", 9, day, emp, proj),
            "employee_id": employees["employee_id"].gather(emp),
            "project_id": project_id.gather(proj),
            "work_date": date_series(day),
            "hours": half_hours / 2.0,
            "is_billable": rng.random(k) >= non_billable[proj],
            "project_idx": proj,
            "employee_row": emp,
            "half_hours": half_hours,
            "work_day": day,
        }
    )


def _monthly_billing(
    timesheets: pl.DataFrame,
    bill_eur: np.ndarray,
    currency_idx: np.ndarray,
    project_id: pl.Series,
    cust_row: np.ndarray,
    product: np.ndarray,
    catalogue: Catalogue,
    fx: FxRates,
) -> pl.DataFrame:
    """Billable hours of each project and calendar month, invoiced on the 1st of the next month.

    The unit price is the hours-weighted bill rate of the consultants who worked that month,
    converted at the invoice month's rate and rounded to the cent.
    """
    billable = timesheets.filter(pl.col("is_billable"))
    # bill rates are whole euros (multiples of 5), so the sums are exact integers whatever order
    # Polars adds them in: a float sum could differ in its last bit and flip a rounded cent
    billable = billable.with_columns(
        month=pl.Series(month_of(billable["work_day"].to_numpy())),
        billed_eur=pl.Series(
            billable["half_hours"].to_numpy()
            * np.round(bill_eur).astype(np.int64)[billable["employee_row"].to_numpy()]
        ),
    )
    monthly = (
        billable.group_by("project_idx", "month")
        .agg(pl.col("half_hours").sum(), pl.col("billed_eur").sum())
        .sort("project_idx", "month")
    )
    proj = monthly["project_idx"].to_numpy()
    invoice_day = first_day(monthly["month"].to_numpy() + 1)
    rate_eur = monthly["billed_eur"].to_numpy() / monthly["half_hours"].to_numpy()
    cur = currency_idx[proj]
    price_cents = np.round(rate_eur / fx.rate(cur, month_of(invoice_day)) * 100).astype(np.int64)
    return pl.DataFrame(
        {
            "project_idx": proj,
            "project_id": project_id.gather(proj),
            "cust_row": cust_row[proj],
            "currency_idx": cur,
            "invoice_day": invoice_day,
            "product_row": product[proj],
            "sku": catalogue.skus.gather(product[proj]),
            "q100": monthly["half_hours"].to_numpy().astype(np.int64) * 50,
            "price_cents": price_cents,
        }
    )


def projects_table(projects: Projects) -> pl.DataFrame:
    """`erp.projects`, extracted on the project start date."""
    return projects.projects.with_columns(_extract_on=pl.col("start_date")).drop(
        "project_idx", "cust_row", "start_day"
    )


def timesheets_table(projects: Projects) -> pl.DataFrame:
    """`erp.timesheets`, each entry extracted on its work date."""
    return projects.timesheets.with_columns(_extract_on=pl.col("work_date")).drop(
        "project_idx", "employee_row", "half_hours", "work_day"
    )

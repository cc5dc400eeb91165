"""Projects and receivables queries: project margin, utilisation and realisation, aging and DSO."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import query
from dashboards.filters import Filters

AGING = [
    ("not_due_amount", "Not due"),
    ("past_due_1_30_amount", "1-30 days"),
    ("past_due_31_60_amount", "31-60 days"),
    ("past_due_61_90_amount", "61-90 days"),
    ("past_due_over_90_amount", "Over 90 days"),
]


def projects(version: str, filters: Filters) -> pl.DataFrame:
    """Every project of the customers the filters select, the biggest margin first."""
    clause, params = filters.customer_clause("d")
    return query(
        f"""
        select p.project_id, p.project_name, d.customer_name, p.billing_type, p.start_date,
            p.end_date, p.billed_revenue, p.timesheet_cost, p.margin, p.margin_pct,
            p.hours_worked, p.billable_hours, p.billed_hours, p.budget, p.project_currency,
            p.budget_consumed_pct, p.reporting_currency, p.customer_key
        from marts.rpt_project_economics as p
        left join marts.dim_customers as d
            on p.customer_key = d.customer_key
        where true {clause}
        order by p.margin desc nulls last, p.project_id
        """,
        version,
        params,
    )


def utilisation(version: str) -> pl.DataFrame:
    """Utilisation and realisation per department and month."""
    return query(
        """
        select month, department, employees, capacity_hours, billable_hours, billed_hours,
            utilisation_rate, realisation_rate
        from marts.rpt_utilisation_monthly
        where grain = 'department'
        order by month, department
        """,
        version,
    )


def employees(version: str, month: dt.date) -> pl.DataFrame:
    """Utilisation and realisation of every employee in `month`."""
    return query(
        """
        select employee_name, department, capacity_hours, billable_hours, non_billable_hours,
            billed_hours, utilisation_rate, realisation_rate
        from marts.rpt_utilisation_monthly
        where grain = 'employee' and month = ?
        order by utilisation_rate desc nulls last, employee_name
        """,
        version,
        (month,),
    )


def aging(version: str) -> pl.DataFrame:
    """Open receivables per month-end snapshot by aging bucket, with the month's DSO."""
    buckets = ", ".join(f"sum(r.{column}) as {column}" for column, _ in AGING)
    return query(
        f"""
        select r.month, any_value(r.snapshot_date) as snapshot_date, sum(r.open_amount)
            as open_amount, sum(r.overdue_amount) as overdue_amount, {buckets},
            any_value(k.dso_days) as dso_days, any_value(r.reporting_currency)
            as reporting_currency
        from marts.rpt_receivables_monthly as r
        inner join marts.rpt_kpi_monthly as k
            on r.month = k.month
        group by r.month
        order by r.month
        """,
        version,
    )


def overdue_invoices(version: str, filters: Filters) -> pl.DataFrame:
    """Overdue invoices as of the newest extract, the longest overdue first."""
    clause, params = filters.customer_clause("d")
    return query(
        f"""
        select f.invoice_number, d.customer_name, f.erp_customer_number, f.invoice_date,
            f.due_date, f.days_past_due, f.open_amount, f.reporting_currency,
            f.open_amount_document, f.document_currency, f.as_of_date, f.customer_key
        from marts.fct_receivables as f
        left join marts.dim_customers as d
            on f.customer_key = d.customer_key
        where f.is_overdue {clause}
        order by f.days_past_due desc, f.open_amount desc
        """,
        version,
        params,
    )


def run_all(version: str, filters: Filters, month: dt.date) -> None:
    """Every query the page runs (the benchmark's unit of work)."""
    projects(version, filters)
    utilisation(version)
    employees(version, month)
    aging(version)
    overdue_invoices(version, filters)

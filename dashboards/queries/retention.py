"""Retention queries: cohort heatmap, NRR and GRR, the ARR bridge, churned customers.

NRR and GRR are on ARR (the KPI); "revenue retention, all revenue" is the variant on every
invoice line, kept and labelled so.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import has_table, query
from dashboards.filters import Filters

HEATMAP_COHORTS = 24


def months_back(month: dt.date, months: int) -> dt.date:
    """First day of the month `months` calendar months before `month`."""
    year, index = divmod(month.year * 12 + month.month - 1 - months, 12)
    return dt.date(year, index + 1, 1)


def retention_cohorts(version: str, month: dt.date) -> pl.DataFrame:
    """Logo retention of the HEATMAP_COHORTS cohorts up to `month`, complete months only."""
    return query(
        f"""
        select acquisition_month, months_since_acquisition, cohort_customers,
            retained_customers, logo_retention
        from marts.rpt_retention_cohort
        where is_complete_month and month <= ?
            and acquisition_month > cast(? - interval {HEATMAP_COHORTS} month as date)
        order by acquisition_month, months_since_acquisition
        """,
        version,
        (month, month),
    )


def net_retention(version: str) -> pl.DataFrame:
    """NRR, GRR, revenue retention on all revenue, churned customers per complete month."""
    return query(
        """
        select month, nrr_12m, grr_12m, nrr_all_revenue_12m, grr_all_revenue_12m,
            churned_customers, active_customers
        from marts.rpt_kpi_monthly
        where is_complete_month
        order by month
        """,
        version,
    )


def arr_bridge(version: str) -> pl.DataFrame:
    """The ARR bridge per complete month (rpt_arr_bridge), oldest first.

    Empty on a warehouse published before the mart existed.
    """
    if not has_table(version, "marts", "rpt_arr_bridge"):
        return pl.DataFrame()
    return query(
        """
        select month, is_arr_history_complete, opening_arr, new_arr, expansion_arr,
            contraction_arr, churned_arr, reactivation_arr, closing_arr, opening_customers,
            new_customers, churned_customers, reactivated_customers, closing_customers,
            reporting_currency
        from marts.rpt_arr_bridge
        where is_complete_month
        order by month
        """,
        version,
    )


def churned(version: str, filters: Filters, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Customers that churned from month `first` to month `last`, the most valuable first."""
    clause, params = filters.customer_clause()
    return query(
        f"""
        select churn_month, customer_name, erp_customer_number, churn_reason, segment,
            country_code, acquisition_channel, acquisition_month, net_revenue_12m_before,
            lifetime_net_revenue, lifetime_gross_margin, reporting_currency, customer_key
        from marts.rpt_churned_customers
        where churn_month between ? and ? {clause}
        order by churn_month desc, net_revenue_12m_before desc, customer_name
        """,
        version,
        (first, last, *params),
    )


def run_all(version: str, filters: Filters, month: dt.date) -> None:
    """Every query the page runs (the benchmark's unit of work)."""
    retention_cohorts(version, month)
    net_retention(version)
    arr_bridge(version)
    churned(version, filters, months_back(month, 11), month)

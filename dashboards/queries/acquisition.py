"""Acquisition and value queries: CAC, cohort LTV against CAC, unit economics, predicted CLV."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import query
from dashboards.filters import Filters


def cac_monthly(version: str, filters: Filters) -> pl.DataFrame:
    """CAC, spend and new customers per complete month and channel, Blended rows included.

    The channel filter keeps its channel and the Blended row (the company-wide reference).
    """
    params: tuple[object, ...] = ()
    clause = ""
    if filters.channel is not None:
        clause = " and (c.channel = ? or c.is_blended)"
        params = (filters.channel,)
    return query(
        f"""
        select c.month, c.channel, c.is_blended, c.spend, c.new_customers, c.cac,
            c.reporting_currency
        from marts.rpt_cac_monthly as c
        inner join marts.rpt_kpi_monthly as k
            on c.month = k.month
        where k.is_complete_month{clause}
        order by c.month, c.is_blended, c.channel
        """,
        version,
        params,
    )


def cohorts(version: str) -> list[dt.date]:
    """Acquisition months of rpt_ltv_cohort, newest first (the cohort picker's choices)."""
    rows = query(
        "select distinct acquisition_month from marts.rpt_ltv_cohort order by 1 desc", version
    )
    return rows["acquisition_month"].to_list()


def ltv_curve(version: str, cohort: dt.date) -> pl.DataFrame:
    """Historical LTV per customer of one month cohort by age (complete months only)."""
    return query(
        """
        select months_since_acquisition, month, cohort_customers,
            cumulative_net_revenue_per_customer, ltv_per_customer, reporting_currency
        from marts.rpt_ltv_cohort
        where acquisition_month = ? and is_complete_month
        order by months_since_acquisition
        """,
        version,
        (cohort,),
    )


def cohort_cac(version: str, cohort: dt.date) -> dict[str, object]:
    """The Blended CAC and payback of one month cohort (rpt_cac_cohort)."""
    rows = query(
        """
        select cac, new_customers, payback_months
        from marts.rpt_cac_cohort
        where cohort_grain = 'month' and cohort_start = ? and is_blended
        """,
        version,
        (cohort,),
    )
    return rows.row(0, named=True) if rows.height else {}


def quarters(version: str) -> list[dt.date]:
    """Quarter cohorts of rpt_unit_economics, newest first."""
    rows = query(
        "select distinct cohort_start from marts.rpt_unit_economics "
        "where cohort_grain = 'quarter' order by 1 desc",
        version,
    )
    return rows["cohort_start"].to_list()


def unit_economics(version: str, quarter: dt.date) -> pl.DataFrame:
    """LTV:CAC and payback per channel of one quarter cohort, the Blended row last."""
    return query(
        """
        select channel, new_customers, spend, cac, predicted_clv_per_customer, ltv_to_cac,
            monthly_gross_margin_per_customer, payback_months, customers_with_clv,
            reporting_currency
        from marts.rpt_unit_economics
        where cohort_grain = 'quarter' and cohort_start = ?
        order by is_blended, ltv_to_cac desc nulls last, channel
        """,
        version,
        (quarter,),
    )


def predicted_clv(version: str, filters: Filters) -> pl.DataFrame:
    """Predicted CLV and P(alive) of every scored customer the filters select."""
    clause, params = filters.customer_clause("d")
    return query(
        f"""
        select v.customer_key, d.customer_name, d.segment, d.country_code,
            d.acquisition_channel, v.predicted_clv, v.p_alive, v.expected_purchases,
            v.reporting_currency, v.horizon_months
        from marts.fct_customer_clv as v
        inner join marts.dim_customers as d
            on v.customer_key = d.customer_key
        where true {clause}
        order by v.predicted_clv desc nulls last
        """,
        version,
        params,
    )


def run_all(version: str, filters: Filters) -> None:
    """Every query the page runs as it opens (the benchmark's unit of work)."""
    cac_monthly(version, filters)
    months = cohorts(version)
    if months:
        cohort = months[min(12, len(months) - 1)]
        ltv_curve(version, cohort)
        cohort_cac(version, cohort)
    starts = quarters(version)
    if starts:
        unit_economics(version, starts[min(1, len(starts) - 1)])
    predicted_clv(version, filters)

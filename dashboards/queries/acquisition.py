"""Acquisition and value queries: CAC, cohort LTV against CAC, unit economics, predicted CLV."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import query
from dashboards.filters import Filters

# The predicted-CLV table shows this many customers, the highest first; the CSV holds them all.
TOP_CUSTOMERS = 100
# Histogram bins per tenfold of predicted CLV. Predicted CLV is long-tailed money (100,000
# customers: 1 % under 256 EUR, median 28.5 k, 1 % over 100 k, a few below 1 or negative), so
# equal-width bins would put nearly everyone in a few bars: bins of equal width on a log scale
# (10 per decade, edges 1, 1.26, 1.58, 2, 2.51 ... x 10^k, each 26 % wider than the one before)
# show the shape of the bulk and the tail alike, in ~55 bars from 1 EUR to 200 k EUR. Values
# under 1 (zero and negative included: a customer whose margin is negative) share one bin.
BINS_PER_DECADE = 10


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


def _scored(filters: Filters) -> tuple[str, tuple[object, ...]]:
    """FROM and WHERE of the scored customers the filters select, with their parameters."""
    clause, params = filters.customer_clause("d")
    return (
        f"""
        from marts.fct_customer_clv as v
        inner join marts.dim_customers as d
            on v.customer_key = d.customer_key
        where v.predicted_clv is not null {clause}
        """,
        params,
    )


def clv_summary(version: str, filters: Filters) -> dict[str, object]:
    """Customers scored, their total predicted CLV, horizon, currency and fit date (one row)."""
    scored, params = _scored(filters)
    return query(
        f"""
        select count(*) as customers, sum(v.predicted_clv) as predicted_clv,
            max(v.horizon_months) as horizon_months,
            max(v.fitted_through) as fitted_through, max(v.refit_days) as refit_days,
            max(v.reporting_currency) as reporting_currency
        {scored}
        """,
        version,
        params,
    ).row(0, named=True)


def clv_histogram(version: str, filters: Filters) -> pl.DataFrame:
    """Customers per predicted-CLV bin (BINS_PER_DECADE log bins), the browser's ~55 rows.

    Bin k holds 10^(k/10) <= CLV < 10^((k+1)/10); bin -1 holds everything under 1 (its lower
    bound is null). Every bin between the lowest and the highest filled one is listed, empty ones
    with 0 customers, so the bars sit on a continuous axis. The counts add up to the customers
    scored (clv_summary).
    """
    scored, params = _scored(filters)
    return query(
        f"""
        with binned as (
            select
                case
                    when v.predicted_clv < 1 then -1
                    else cast(floor(log10(cast(v.predicted_clv as double)) * {BINS_PER_DECADE})
                        as integer)
                end as bin,
                count(*) as customers
            {scored}
            group by 1
        ),

        bins as (
            select cast(range as integer) as bin
            from range((select min(bin) from binned), (select max(bin) + 1 from binned))
        )

        select
            b.bin,
            case when b.bin >= 0 then round(pow(10, b.bin / {BINS_PER_DECADE}), 2) end
                as lower_bound,
            round(pow(10, (b.bin + 1) / {BINS_PER_DECADE}), 2) as upper_bound,
            coalesce(n.customers, 0) as customers
        from bins as b
        left join binned as n
            on b.bin = n.bin
        order by b.bin
        """,
        version,
        params,
    )


def top_clv(version: str, filters: Filters, limit: int = TOP_CUSTOMERS) -> pl.DataFrame:
    """The `limit` scored customers with the highest predicted CLV the filters select."""
    return predicted_clv(version, filters, limit=limit)


def predicted_clv(version: str, filters: Filters, limit: int | None = None) -> pl.DataFrame:
    """Predicted CLV and P(alive) of the scored customers the filters select, highest first.

    Without `limit` it is every one of them (100,000 rows at 100,000 customers): the page
    only builds that for the CSV download, when asked.
    """
    scored, params = _scored(filters)
    return query(
        f"""
        select v.customer_key, d.customer_name, d.segment, d.country_code,
            d.acquisition_channel, v.predicted_clv, v.p_alive, v.expected_purchases,
            v.reporting_currency, v.horizon_months
        {scored}
        order by v.predicted_clv desc, v.customer_key
        {"" if limit is None else f"limit {int(limit)}"}
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
    clv_summary(version, filters)
    clv_histogram(version, filters)
    top_clv(version, filters)

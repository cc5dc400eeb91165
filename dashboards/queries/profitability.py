"""Profitability queries: whale curve, most and least profitable customers, margins, costs.

Every figure is a mart's; the page only filters and sorts.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import query
from dashboards.filters import Filters

# rpt_margin_monthly's dimensions, as the page offers them.
DIMENSIONS = {
    "product": "Product",
    "category": "Category",
    "product_line": "Product line",
    "segment": "Segment",
    "country": "Country",
    "sales_owner": "Owner",
}
RANKED = 10
# Points of the whale curve sent to the browser: 1,000 draw the same line as 100,000 at a
# chart's width; 100,000 made the page's payload 2.8 MB.
WHALE_POINTS = 1_000


def whale_summary(version: str) -> dict[str, object]:
    """The whale curve's tiles, computed over every customer.

    Customers, lifetime contribution (the curve's last value, the sum over customers), the peak
    (highest cumulative share) and the first rank reaching it (customers with no contribution
    after the peak leave the share flat). Empty when no customer has a figure.
    """
    rows = query(
        """
        with lifetime as (
            select contribution_rank, cumulative_contribution_share, contribution_margin,
                reporting_currency,
                max(cumulative_contribution_share) over () as peak_share
            from marts.rpt_customer_profitability_lifetime
        )

        select
            count(*) as customers,
            sum(contribution_margin) as contribution_margin,
            max(peak_share) as peak_share,
            min(contribution_rank) filter (where cumulative_contribution_share = peak_share)
                as peak_rank,
            max(reporting_currency) as reporting_currency
        from lifetime
        having count(*) > 0
        """,
        version,
    )
    return rows.row(0, named=True) if rows.height else {}


def whale_curve(version: str, peak_rank: int | None = None) -> pl.DataFrame:
    """The lifetime whale curve, about WHALE_POINTS of its points (company-wide shares).

    Every customer is a point of the mart (100,000 at 100,000 customers): the curve keeps every
    n-th rank so that about WHALE_POINTS remain, plus the first, the last and `peak_rank`, which
    a line through them draws the same at a chart's width.
    """
    return query(
        f"""
        with curve as (
            select contribution_rank, customer_share, cumulative_contribution_share,
                cumulative_contribution, contribution_margin, reporting_currency,
                count(*) over () as customers
            from marts.rpt_customer_profitability_lifetime
        )

        select contribution_rank, customer_share, cumulative_contribution_share,
            cumulative_contribution, contribution_margin, reporting_currency
        from curve
        where contribution_rank % greatest(1, customers // {WHALE_POINTS}) = 0
            or contribution_rank in (1, customers, ?)
        order by contribution_rank
        """,
        version,
        (peak_rank or 1,),
    )


def ranked_customers(version: str, filters: Filters, *, most: bool) -> pl.DataFrame:
    """The RANKED most (or least) profitable customers by lifetime contribution margin."""
    clause, params = filters.customer_clause("d")
    return query(
        f"""
        select
            p.contribution_rank,
            d.customer_name,
            d.erp_customer_number,
            d.segment,
            d.country_code,
            p.net_revenue,
            p.gross_margin,
            p.cost_to_serve,
            p.contribution_margin,
            p.contribution_margin_pct,
            p.cases,
            p.customer_key
        from marts.rpt_customer_profitability_lifetime as p
        inner join marts.dim_customers as d
            on p.customer_key = d.customer_key
        where true {clause}
        order by p.contribution_rank {"asc" if most else "desc"}
        limit {RANKED}
        """,
        version,
        params,
    )


def margin_by(version: str, dimension: str, month: dt.date) -> pl.DataFrame:
    """The month's revenue, COGS and gross margin per value of `dimension`, biggest first."""
    return query(
        """
        select dimension_label, dimension_value, net_revenue, cogs, gross_margin,
            gross_margin_pct, invoice_lines
        from marts.rpt_margin_monthly
        where dimension = ? and month = ?
        order by gross_margin desc, dimension_label
        """,
        version,
        (dimension, month),
    )


def cost_to_serve(version: str) -> pl.DataFrame:
    """Gross margin, cost to serve and contribution per complete month (rpt_kpi_monthly)."""
    return query(
        """
        select month, reporting_currency, gross_margin, cost_to_serve,
            unattributed_cost_to_serve, contribution_margin
        from marts.rpt_kpi_monthly
        where is_complete_month
        order by month
        """,
        version,
    )


def run_all(version: str, filters: Filters, month: dt.date) -> None:
    """Every query the page runs (the benchmark's unit of work)."""
    whale_curve(version, whale_summary(version).get("peak_rank"))
    ranked_customers(version, filters, most=True)
    ranked_customers(version, filters, most=False)
    margin_by(version, "product", month)
    cost_to_serve(version)

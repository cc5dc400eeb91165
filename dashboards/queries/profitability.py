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


def whale_curve(version: str) -> pl.DataFrame:
    """Lifetime cumulative contribution share by customer share, every customer.

    The curve is company-wide: its shares are of the whole company's contribution.
    """
    return query(
        """
        select contribution_rank, customer_share, cumulative_contribution_share,
            cumulative_contribution, contribution_margin, reporting_currency
        from marts.rpt_customer_profitability_lifetime
        order by contribution_rank
        """,
        version,
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
    whale_curve(version)
    ranked_customers(version, filters, most=True)
    ranked_customers(version, filters, most=False)
    margin_by(version, "product", month)
    cost_to_serve(version)

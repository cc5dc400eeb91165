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
# Loss makers listed on the page, worst first; the tile counts them all.
LOSS_MAKERS_SHOWN = 50


def whale_summary(version: str) -> dict[str, object]:
    """The whale curve's tiles, computed over every customer.

    Customers, lifetime contribution (the curve's last value, the sum over customers), the peak
    (highest cumulative share) and the first rank reaching it (customers with no contribution
    after the peak leave the share flat), where the curve first reaches 100 % (the customers
    who together earn the whole contribution), and how many customers lose money. Empty when
    no customer has a figure.
    """
    rows = query(
        """
        with lifetime as (
            select contribution_rank, customer_share, cumulative_contribution_share,
                contribution_margin, reporting_currency,
                max(cumulative_contribution_share) over () as peak_share
            from marts.rpt_customer_profitability_lifetime
        )

        select
            count(*) as customers,
            sum(contribution_margin) as contribution_margin,
            max(peak_share) as peak_share,
            min(contribution_rank) filter (where cumulative_contribution_share = peak_share)
                as peak_rank,
            min(contribution_rank) filter (where cumulative_contribution_share >= 1)
                as crossing_rank,
            min(customer_share) filter (where cumulative_contribution_share >= 1)
                as crossing_customer_share,
            count(*) filter (where contribution_margin < 0) as loss_makers,
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
    a line through them draws the same at a chart's width. The curve starts at the origin (no
    customer, no contribution), so that its first segment is drawn: with a handful of customers
    it would otherwise start at the first one's share, and with one customer be a lone point.
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
        union all
        select 0, 0, 0, 0, null, max(reporting_currency)
        from curve
        having count(*) > 0
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


def loss_makers(version: str, filters: Filters) -> pl.DataFrame:
    """Customers whose lifetime contribution is negative, worst first.

    Each with the driver that costs it most (rpt_customer_profitability_lifetime.top_cost_driver).
    """
    clause, params = filters.customer_clause("d")
    return query(
        f"""
        select
            d.customer_name,
            d.erp_customer_number,
            d.segment,
            p.net_revenue,
            p.gross_margin,
            p.cost_to_serve,
            p.contribution_margin,
            coalesce(r.driver_label, p.top_cost_driver) as sinking_driver,
            p.top_cost_driver_cost as sinking_driver_cost,
            p.customer_key
        from marts.rpt_customer_profitability_lifetime as p
        inner join marts.dim_customers as d
            on p.customer_key = d.customer_key
        left join marts.rpt_cost_drivers as r
            on p.top_cost_driver = r.driver
        where p.contribution_margin < 0 {clause}
        order by p.contribution_margin, p.customer_key
        limit {LOSS_MAKERS_SHOWN}
        """,
        version,
        params,
    )


def cost_drivers(version: str) -> pl.DataFrame:
    """Every cost-to-serve driver (rpt_cost_drivers), costliest first.

    Label, unit, configured and lifetime mean rate, GL pool, whether its source came, lifetime
    volume and cost.
    """
    return query(
        """
        select driver, driver_label, unit, configured_rate, mean_rate, has_gl_pool,
            is_available, message, volume, cost_to_serve, unreached_pool_cost,
            reporting_currency
        from marts.rpt_cost_drivers
        order by cost_to_serve desc, driver
        """,
        version,
    )


def cost_by_driver(version: str) -> pl.DataFrame:
    """Cost to serve per complete month and driver (rpt_cost_to_serve_monthly), oldest first."""
    return query(
        """
        select c.month, c.driver, c.driver_label, c.cost_to_serve, c.volume,
            c.reporting_currency
        from marts.rpt_cost_to_serve_monthly as c
        inner join marts.rpt_kpi_monthly as k
            on c.month = k.month
        where k.is_complete_month
        order by c.month, c.driver
        """,
        version,
    )


def what_if(version: str, rates: dict[str, float]) -> dict[str, object]:
    """Lifetime cost to serve and contribution with `rates` applied to the mart's volumes.

    `rates` maps a driver to a rate per unit; drivers not in it keep their cost. Also the cost
    as it stands, and how many customers would lose money.

    The only arithmetic is the what-if itself: volume x the chosen rate, in place of the
    driver's cost; a GL pool's unreached remainder is not volume and stays as it is. Over the
    lifetime rows (rpt_cost_to_serve_lifetime): the what-if is linear in volume, so it is the
    same as over the months, at a sixth of the rows (669,718 against 4,029,176 at 100,000
    customers).
    """
    values = ", ".join("(?, cast(? as double))" for _ in rates) or "(null, null)"
    params = [item for pair in rates.items() for item in pair]
    rows = query(
        f"""
        with chosen (driver, rate) as (values {values}),

        costs as (
            select c.customer_key, c.cost_to_serve,
                case
                    when chosen.driver is null then cast(c.cost_to_serve as double)
                    else cast(c.volume as double) * chosen.rate
                        + cast(c.unreached_pool_cost as double)
                end as what_if_cost
            from marts.rpt_cost_to_serve_lifetime as c
            left join chosen
                on c.driver = chosen.driver
        ),

        customers as (
            select customer_key, sum(what_if_cost) as what_if_cost
            from costs
            where customer_key is not null
            group by customer_key
        )

        select
            (select sum(cost_to_serve) from costs) as cost_to_serve,
            (select sum(what_if_cost) from costs) as what_if_cost_to_serve,
            (select sum(what_if_cost) - sum(cost_to_serve) from costs) as what_if_change,
            sum(cast(p.gross_margin as double) - coalesce(customers.what_if_cost, 0))
                as what_if_contribution,
            count(*) filter (
                where cast(p.gross_margin as double) - coalesce(customers.what_if_cost, 0) < 0
            ) as what_if_loss_makers,
            count(*) as customers
        from marts.rpt_customer_profitability_lifetime as p
        left join customers
            on p.customer_key = customers.customer_key
        """,
        version,
        tuple(params),
    )
    return rows.row(0, named=True)


def run_all(version: str, filters: Filters, month: dt.date) -> None:
    """Every query the page runs (the benchmark's unit of work)."""
    whale_curve(version, whale_summary(version).get("peak_rank"))
    ranked_customers(version, filters, most=True)
    ranked_customers(version, filters, most=False)
    margin_by(version, "product", month)
    cost_to_serve(version)
    loss_makers(version, filters)
    drivers = cost_drivers(version)
    cost_by_driver(version)
    rates = drivers["configured_rate"].cast(pl.Float64)
    what_if(version, dict(zip(drivers["driver"], rates, strict=True)))

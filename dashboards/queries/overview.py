"""Overview queries: the KPI tiles (month and year to date) and the revenue trend.

A tile is one line in TILES. Its year-to-date rule says how months add up: `sum` for amounts and
counts, `last` for a state at month end (active customers), or `ratio` of two year-to-date sums
(a margin % over the year is not the mean of monthly percentages); `a|b` in a ratio takes the
first of the columns the mart has. Tiles whose column the KPI mart does not have yet are skipped,
so a tile can be listed as soon as its mart is being built. A tile's `topic` names the
quality.source_coverage subject whose absence makes it unknown (dashboards.queries.quality).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from dashboards.data import has_table, query
from dashboards.filters import Filters


@dataclass(frozen=True)
class Tile:
    """A headline KPI: label, rpt_kpi_monthly column, catalogue metric, format, year-to-date rule.

    The tile's help is the metric's description in the catalogue of the version shown
    (dashboards.queries.catalogue), so it reads as `c360 metrics list` and the docs do.
    """

    label: str
    column: str
    metric: str  # the metric's name in the catalogue (catalogue.metrics)
    kind: str  # money, percent or count (dashboards.formatting)
    ytd: str = "sum"  # sum, last, none, or "ratio:<numerator>/<denominator>"
    lower_is_better: bool = False
    topic: str = "revenue"  # quality.source_coverage topic whose gaps leave the tile unknown


TILES = [
    Tile("Net revenue", "net_revenue", "net_revenue", "money"),
    Tile("Gross margin", "gross_margin", "gross_margin", "money", topic="margin"),
    # Over the revenue whose cost is known (costed_net_revenue), so partial cost data does not
    # understate the margin; warehouses built before that column divide by net_revenue.
    Tile(
        "Gross margin %",
        "gross_margin_pct",
        "gross_margin_pct",
        "percent",
        "ratio:gross_margin/costed_net_revenue|net_revenue",
        topic="margin",
    ),
    Tile(
        "Contribution margin", "contribution_margin", "contribution_margin", "money", topic="margin"
    ),
    Tile("New customers", "new_customers", "new_customers", "count"),
    Tile("Active customers", "active_customers", "active_customers", "count", "last"),
    Tile(
        "Churned customers", "churned_customers", "churned_customers", "count", lower_is_better=True
    ),
    # Spend is not in the KPI mart, so a year-to-date CAC (spend / new customers of the year)
    # cannot be taken from it: the year-to-date row shows none rather than a mean of months.
    Tile(
        "Blended CAC",
        "blended_cac",
        "blended_cac",
        "money",
        "none",
        lower_is_better=True,
        topic="acquisition",
    ),
    # ARR is a state at month end; NRR, GRR and DSO already look back (12 months, 90 days):
    # their year to date is the month's.
    Tile("ARR", "arr", "arr", "money", "last"),
    Tile("NRR", "nrr_12m", "nrr", "percent", "last"),
    Tile("GRR", "grr_12m", "grr", "percent", "last"),
    Tile("DSO", "dso_days", "dso", "days", "last", lower_is_better=True, topic="receivables"),
]

# LTV:CAC is a cohort figure (rpt_unit_economics): the Blended row of the last quarter cohort
# complete by the chosen month; a month cohort is a handful of customers and swings.
LTV_TO_CAC_LABEL = "LTV:CAC"


def _ytd_expression(tile: Tile) -> str:
    if tile.ytd == "sum":
        return f"sum({tile.column}) over year_so_far"
    if tile.ytd == "last":
        return tile.column
    if tile.ytd == "none":
        return "null"
    numerator, denominator = tile.ytd.removeprefix("ratio:").split("/")
    return (
        f"cast(sum({numerator}) over year_so_far as double)"
        f" / nullif(cast(sum({denominator}) over year_so_far as double), 0)"
    )


def kpi_columns(version: str) -> set[str]:
    """Columns of rpt_kpi_monthly in this version (which tiles can be shown)."""
    rows = query(
        "select column_name from duckdb_columns() "
        "where schema_name = 'marts' and table_name = 'rpt_kpi_monthly'",
        version,
    )
    return set(rows["column_name"].to_list())


def available_tiles(version: str) -> list[Tile]:
    """The tiles whose columns (and year-to-date inputs) exist in the published mart."""
    columns = kpi_columns(version)
    tiles = []
    for tile in TILES:
        if tile.ytd.startswith("ratio:"):
            operands = []
            for choices in tile.ytd.removeprefix("ratio:").split("/"):
                present = [c for c in choices.split("|") if c in columns]
                operands.append(present[0] if present else choices)
            tile = replace(tile, ytd="ratio:" + "/".join(operands))
            needed = {tile.column, *operands}
        else:
            needed = {tile.column}
        if needed <= columns:
            tiles.append(tile)
    return tiles


def kpis(version: str) -> pl.DataFrame:
    """Complete months of rpt_kpi_monthly with each tile's value and year-to-date value."""
    tiles = available_tiles(version)
    selected = ",\n    ".join(f"{t.column}, {_ytd_expression(t)} as {t.column}__ytd" for t in tiles)
    return query(
        f"""
        select
            month,
            reporting_currency,
            {selected}
        from marts.rpt_kpi_monthly
        where is_complete_month
        window year_so_far as (partition by year(month) order by month)
        order by month
        """,
        version,
    )


def revenue_trend(version: str, filters: Filters) -> pl.DataFrame:
    """Net revenue and gross margin per complete month, for the customers the filters select.

    Unfiltered, the KPI mart's own figures; filtered, the sums of rpt_customer_monthly over the
    selected customers (both are sums of the same invoice lines).
    """
    if not filters.is_customer_filtered:
        return query(
            "select month, net_revenue, gross_margin from marts.rpt_kpi_monthly "
            "where is_complete_month order by month",
            version,
        )
    clause, params = filters.customer_clause("c")
    return query(
        f"""
        select
            k.month,
            coalesce(sum(c.net_revenue), 0) as net_revenue,
            coalesce(sum(c.gross_margin), 0) as gross_margin
        from marts.rpt_kpi_monthly as k
        left join marts.rpt_customer_monthly as c
            on k.month = c.month {clause}
        where k.is_complete_month
        group by k.month
        order by k.month
        """,
        version,
        params,
    )


def ltv_to_cac(version: str) -> pl.DataFrame:
    """Blended LTV:CAC per quarter cohort (rpt_unit_economics), oldest first.

    `last_month` is the cohort's last month, so the page picks the last quarter complete by the
    chosen month. Empty on a warehouse published before rpt_unit_economics existed.
    """
    if not has_table(version, "marts", "rpt_unit_economics"):
        return pl.DataFrame()
    return query(
        """
        select
            cohort_start,
            cast(cohort_start + interval 2 month as date) as last_month,
            cac,
            predicted_clv_per_customer,
            ltv_to_cac
        from marts.rpt_unit_economics
        where cohort_grain = 'quarter' and is_blended
        order by cohort_start
        """,
        version,
    )


def run_all(version: str, filters: Filters) -> None:
    """Every query the page runs (the benchmark's unit of work)."""
    kpis(version)
    revenue_trend(version, filters)
    ltv_to_cac(version)

"""Overview queries: the KPI tiles (month and year to date) and the revenue trend.

A tile is one line in TILES: its month value is a column of rpt_kpi_monthly, its year-to-date
value the column of the same name in rpt_kpi_year_to_date, which decides how months add up
(sums, the ratio of sums, or the month's own value for states). The page only selects: no KPI
is computed here (tests/dashboards/test_no_formulas.py). Tiles whose column the KPI mart does
not have yet are skipped, so a tile can be listed as soon as its mart is being built; a version
without the year-to-date mart shows no year-to-date values. A tile's `topic` names the
quality.source_coverage subject whose absence makes it unknown (dashboards.queries.quality).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    has_ytd: bool = True  # rpt_kpi_year_to_date has the column
    lower_is_better: bool = False
    topic: str = "revenue"  # quality.source_coverage topic whose gaps leave the tile unknown


TILES = [
    Tile("Net revenue", "net_revenue", "net_revenue", "money"),
    Tile("Gross margin", "gross_margin", "gross_margin", "money", topic="margin"),
    Tile("Gross margin %", "gross_margin_pct", "gross_margin_pct", "percent", topic="margin"),
    Tile(
        "Contribution margin", "contribution_margin", "contribution_margin", "money", topic="margin"
    ),
    Tile("New customers", "new_customers", "new_customers", "count"),
    Tile("Active customers", "active_customers", "active_customers", "count"),
    Tile(
        "Churned customers", "churned_customers", "churned_customers", "count", lower_is_better=True
    ),
    # Spend is not in the KPI mart, so rpt_kpi_year_to_date has no year-to-date CAC: the row
    # shows none rather than a mean of months.
    Tile(
        "Blended CAC",
        "blended_cac",
        "blended_cac",
        "money",
        has_ytd=False,
        lower_is_better=True,
        topic="acquisition",
    ),
    Tile("ARR", "arr", "arr", "money"),
    Tile("NRR", "nrr_12m", "nrr", "percent"),
    Tile("GRR", "grr_12m", "grr", "percent"),
    Tile("DSO", "dso_days", "dso", "days", lower_is_better=True, topic="receivables"),
]

# LTV:CAC is a cohort figure (rpt_unit_economics): the Blended row of the last quarter cohort
# complete by the chosen month; a month cohort is a handful of customers and swings.
LTV_TO_CAC_LABEL = "LTV:CAC"


def mart_columns(version: str, table: str) -> set[str]:
    """Columns of `marts.<table>` in this version (which tiles and year-to-date values exist)."""
    rows = query(
        "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ?",
        version,
        (table,),
    )
    return set(rows["column_name"].to_list())


def available_tiles(version: str) -> list[Tile]:
    """The tiles whose columns exist in the published KPI mart."""
    columns = mart_columns(version, "rpt_kpi_monthly")
    return [tile for tile in TILES if tile.column in columns]


def kpis(version: str) -> pl.DataFrame:
    """Complete months of rpt_kpi_monthly with each tile's value and year-to-date value."""
    tiles = available_tiles(version)
    year_to_date = mart_columns(version, "rpt_kpi_year_to_date") if tiles else set()
    selected = ",\n    ".join(
        f"k.{t.column}, "
        + (f"y.{t.column}" if t.has_ytd and t.column in year_to_date else "null")
        + f" as {t.column}__ytd"
        for t in tiles
    )
    joined = (
        "left join marts.rpt_kpi_year_to_date as y on k.month = y.month" if year_to_date else ""
    )
    return query(
        f"""
        select
            k.month,
            k.reporting_currency,
            {selected}
        from marts.rpt_kpi_monthly as k
        {joined}
        where k.is_complete_month
        order by k.month
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

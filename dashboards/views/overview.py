"""Executive overview: the chosen complete month and the year to date, with trends."""

import polars as pl
import streamlit as st

from dashboards.components import (
    UNKNOWN,
    coverage_notes,
    empty_state,
    gap_reason,
    revenue_margin_bars,
    table,
)
from dashboards.data import publication, require_version
from dashboards.filters import shared_filters
from dashboards.formatting import delta, ratio, value
from dashboards.queries.catalogue import descriptions
from dashboards.queries.overview import (
    LTV_TO_CAC_LABEL,
    available_tiles,
    kpis,
    ltv_to_cac,
    revenue_trend,
)
from dashboards.queries.quality import coverage_gaps

SPARKLINE_MONTHS = 12
TREND_MONTHS = 24

st.title("Overview")
version = require_version()
filters = shared_filters(version, period=True, customers=True)
months = kpis(version)
if months.is_empty() or filters.month is None:
    st.info("The warehouse holds no complete month yet.")
    st.stop()

history = months.filter(pl.col("month") <= filters.month)
latest = history.row(-1, named=True)


def month_before(months: int) -> dict:
    """The KPI row `months` calendar months before the chosen one ({} when there is none)."""
    rows = history.filter(pl.col("month") == pl.lit(latest["month"]).dt.offset_by(f"-{months}mo"))
    return rows.row(0, named=True) if rows.height else {}


def sparkline(values: pl.Series) -> list[float] | None:
    """The defined values of a tile's history, None when there are none.

    st.metric refuses gaps in chart data; a year-to-date value a tile does not define (Blended
    CAC) has no sparkline.
    """
    points = [float(v) for v in values.to_list() if v is not None]
    return points or None


previous, year_before = month_before(1), month_before(12)
currency = latest["reporting_currency"]
published = publication(version)
st.caption(
    f"**{latest['month']:%B %Y}** against the month before, and year to date against the same "
    f"months a year earlier · amounts in {currency} · published "
    f"{published.get('published_at'):%Y-%m-%d %H:%M} UTC (version {published.get('version')})"
)

tiles = available_tiles(version)
definitions = descriptions(version)
gaps = coverage_gaps(version, tuple({tile.topic for tile in tiles}))
coverage_notes(gaps)
cohorts = ltv_to_cac(version)
if cohorts.height:
    cohorts = cohorts.filter(pl.col("last_month") <= filters.month).tail(SPARKLINE_MONTHS // 3 * 2)
if cohorts.height:
    cohort = cohorts.row(-1, named=True)
    cohort_before = cohorts.row(-2, named=True) if cohorts.height > 1 else {}
spark = history.tail(SPARKLINE_MONTHS)
for heading, suffix, compare in (
    (f"{latest['month']:%B %Y}", "", previous),
    (f"Year to date {latest['month']:%Y} (January–{latest['month']:%B})", "__ytd", year_before),
):
    st.subheader(heading)
    with st.container(horizontal=True):
        for tile in tiles:
            column = tile.column + suffix
            reason = gap_reason(gaps, tile.topic) if latest[column] is None else None
            st.metric(
                tile.label,
                UNKNOWN if reason else value(tile.kind, latest[column], currency),
                delta(tile.kind, latest[column], compare.get(column)),
                delta_color="inverse" if tile.lower_is_better else "normal",
                chart_data=sparkline(spark[column]),
                chart_type="bar" if tile.kind == "count" else "line",
                help=reason or definitions.get(tile.metric),
                border=True,
            )
        if not suffix and cohorts.height:
            st.metric(
                LTV_TO_CAC_LABEL,
                ratio(cohort["ltv_to_cac"]),
                delta("ratio", cohort["ltv_to_cac"], cohort_before.get("ltv_to_cac")),
                chart_data=sparkline(cohorts["ltv_to_cac"]),
                help=f"Blended, customers acquired in Q{(cohort['cohort_start'].month + 2) // 3} "
                f"{cohort['cohort_start']:%Y} (the last quarter complete by this month): mean "
                "predicted CLV over 36 months / CAC (rpt_unit_economics), against the quarter "
                "before.",
                border=True,
            )

trend = revenue_trend(version, filters).filter(pl.col("month") <= filters.month)
trend = trend.tail(TREND_MONTHS)
scope = "all customers" if not filters.is_customer_filtered else "the filtered customers"
st.subheader(f"Net revenue and gross margin, {scope}")
if trend.is_empty() or not trend["net_revenue"].cast(pl.Float64).abs().sum():
    empty_state()
else:
    revenue_margin_bars(trend, "month", currency, height=360)
if filters.is_customer_filtered:
    st.caption(
        "The tiles are company-wide; the segment, country and channel filters apply to this chart."
    )

with st.expander("Monthly figures"):
    table(history.tail(TREND_MONTHS).reverse(), "kpi_monthly")

"""Executive overview: the chosen complete month and the year to date, with trends."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.components import empty_state, table
from dashboards.data import publication, require_version
from dashboards.filters import shared_filters
from dashboards.formatting import delta, value
from dashboards.queries.overview import available_tiles, kpis, revenue_trend

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


previous, year_before = month_before(1), month_before(12)
currency = latest["reporting_currency"]
published = publication(version)
st.caption(
    f"**{latest['month']:%B %Y}** against the month before, and year to date against the same "
    f"months a year earlier · amounts in {currency} · published "
    f"{published.get('published_at'):%Y-%m-%d %H:%M} UTC (version {published.get('version')})"
)

tiles = available_tiles(version)
spark = history.tail(SPARKLINE_MONTHS)
for heading, suffix, compare in (
    (f"{latest['month']:%B %Y}", "", previous),
    (f"Year to date {latest['month']:%Y} (January–{latest['month']:%B})", "__ytd", year_before),
):
    st.subheader(heading)
    with st.container(horizontal=True):
        for tile in tiles:
            column = tile.column + suffix
            st.metric(
                tile.label,
                value(tile.kind, latest[column], currency),
                delta(tile.kind, latest[column], compare.get(column)),
                delta_color="inverse" if tile.lower_is_better else "normal",
                chart_data=[None if v is None else float(v) for v in spark[column].to_list()],
                chart_type="bar" if tile.kind == "count" else "line",
                border=True,
            )

trend = revenue_trend(version, filters).filter(pl.col("month") <= filters.month)
trend = trend.tail(TREND_MONTHS)
scope = "all customers" if not filters.is_customer_filtered else "the filtered customers"
st.subheader(f"Net revenue and gross margin, {scope}")
if trend.is_empty() or not trend["net_revenue"].cast(pl.Float64).abs().sum():
    empty_state()
else:
    figure = go.Figure()
    figure.add_bar(x=trend["month"], y=trend["net_revenue"].cast(pl.Float64), name="Net revenue")
    figure.add_bar(x=trend["month"], y=trend["gross_margin"].cast(pl.Float64), name="Gross margin")
    figure.update_layout(barmode="group", yaxis_title=currency, margin={"t": 10}, height=360)
    st.plotly_chart(figure, width="stretch")
if filters.is_customer_filtered:
    st.caption(
        "The tiles are company-wide; the segment, country and channel filters apply to this chart."
    )

with st.expander("Monthly figures"):
    table(history.tail(TREND_MONTHS).reverse(), "kpi_monthly")

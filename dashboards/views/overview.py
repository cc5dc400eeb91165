"""Executive overview: the last complete month against the month before, and the trend."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.data import current_version, kpi_monthly, publication
from dashboards.formatting import change, money, percent, points

TREND_MONTHS = 24

st.title("Overview")
version = current_version()
if version is None:
    st.info("No warehouse has been published yet. Run `c360 refresh` (or `make demo`).")
    st.stop()

kpis = kpi_monthly(version)
complete = kpis.filter(pl.col("is_complete_month"))
if complete.height == 0:
    st.info("The warehouse holds no complete month yet.")
    st.stop()

latest = complete.row(-1, named=True)
previous = complete.row(-2, named=True) if complete.height > 1 else {}
currency = latest["reporting_currency"]
published = publication(version)
st.caption(
    f"Last complete month **{latest['month']:%B %Y}** compared with the month before · "
    f"amounts in {currency} · published {published.get('published_at'):%Y-%m-%d %H:%M} UTC "
    f"(version {published.get('version')})"
)

tiles = st.columns(5)
tiles[0].metric(
    "Net revenue",
    money(latest["net_revenue"], currency),
    change(latest["net_revenue"], previous.get("net_revenue")),
)
tiles[1].metric(
    "Gross margin",
    money(latest["gross_margin"], currency),
    change(latest["gross_margin"], previous.get("gross_margin")),
)
tiles[2].metric(
    "Gross margin %",
    percent(latest["gross_margin_pct"]),
    points(latest["gross_margin_pct"], previous.get("gross_margin_pct")),
)
tiles[3].metric(
    "New customers",
    f"{latest['new_customers']:,}",
    change(latest["new_customers"], previous.get("new_customers")),
)
tiles[4].metric(
    "Active customers",
    f"{latest['active_customers']:,}",
    change(latest["active_customers"], previous.get("active_customers")),
)

trend = complete.tail(TREND_MONTHS)
months = trend["month"].to_list()
left, right = st.columns(2)
with left:
    st.subheader("Net revenue and gross margin")
    figure = go.Figure()
    figure.add_bar(x=months, y=trend["net_revenue"].cast(pl.Float64), name="Net revenue")
    figure.add_bar(x=months, y=trend["gross_margin"].cast(pl.Float64), name="Gross margin")
    figure.update_layout(barmode="group", yaxis_title=currency, margin={"t": 10}, height=360)
    st.plotly_chart(figure, width="stretch")
with right:
    st.subheader("Gross margin %")
    figure = go.Figure()
    figure.add_scatter(
        x=months,
        y=(trend["gross_margin_pct"] * 100).round(1),
        mode="lines+markers",
        name="Gross margin %",
    )
    figure.update_layout(yaxis_title="%", margin={"t": 10}, height=360)
    st.plotly_chart(figure, width="stretch")

with st.expander("Monthly figures"):
    st.dataframe(trend.reverse(), hide_index=True, width="stretch")

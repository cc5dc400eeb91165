"""Pipeline: what is open and likely to close, how often deals are won and how long they take."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.components import coverage_notes, empty_state, table
from dashboards.data import require_version
from dashboards.filters import shared_filters
from dashboards.formatting import count, days, money, percent
from dashboards.queries.pipeline import (
    open_by_owner,
    open_by_stage,
    outcomes_by_owner,
    outcomes_monthly,
)
from dashboards.queries.quality import coverage_gaps
from dashboards.queries.retention import months_back

st.title("Pipeline")
version = require_version()
filters = shared_filters(version, period=True)
coverage_notes(coverage_gaps(version, ("pipeline",)))
if filters.month is None:
    st.info("The warehouse holds no complete month yet.")
    st.stop()

stages = open_by_stage(version)
currency = stages["reporting_currency"].first() if stages.height else "EUR"
first = months_back(filters.month, 11)
outcomes = outcomes_by_owner(version, first, filters.month)
total = outcomes.filter(pl.col("is_total"))
closed = total.row(0, named=True) if total.height else {}

st.caption(
    f"Open pipeline as of {stages['as_of_date'][0]:%Y-%m-%d} (the newest CRM extract); won and "
    f"lost deals closed {first:%B %Y}–{filters.month:%B %Y} · amounts in {currency}"
    if stages.height
    else f"Deals closed {first:%B %Y}–{filters.month:%B %Y}"
)
with st.container(horizontal=True):
    st.metric("Open pipeline", money(stages["open_amount"].sum(), currency), border=True)
    st.metric("Weighted pipeline", money(stages["weighted_amount"].sum(), currency), border=True)
    st.metric("Open deals", count(stages["open_opportunities"].sum()), border=True)
    st.metric("Win rate", percent(closed.get("win_rate_by_count")), border=True)
    st.metric("Sales cycle", days(closed.get("avg_sales_cycle_days")), border=True)
    st.metric("Won (12 months)", money(closed.get("won_amount"), currency), border=True)

st.subheader("Open pipeline by stage")
if stages.is_empty():
    empty_state("No open deal.")
else:
    figure = go.Figure()
    figure.add_bar(x=stages["stage"], y=stages["open_amount"].cast(pl.Float64), name="Open")
    figure.add_bar(x=stages["stage"], y=stages["weighted_amount"].cast(pl.Float64), name="Weighted")
    figure.update_layout(barmode="group", yaxis_title=currency, margin={"t": 10}, height=320)
    st.plotly_chart(figure, width="stretch")
    table(stages, "pipeline_by_stage")

st.subheader("Open pipeline by owner and stage")
table(open_by_owner(version), "pipeline_by_owner", height=400)

st.subheader("Win rate and sales cycle by owner")
st.caption(
    "Over the 12 months: win rate = won / (won + lost) deals, sales cycle = days from creation to "
    "close summed over won deals / won deals (rpt_pipeline_outcomes)."
)
table(outcomes.drop("is_total"), "outcomes_by_owner", height=400)

st.subheader("Won and lost per close month")
monthly = outcomes_monthly(version).filter(pl.col("close_month") <= filters.month).tail(24)
if monthly.height:
    figure = go.Figure()
    figure.add_bar(x=monthly["close_month"], y=monthly["won_amount"].cast(pl.Float64), name="Won")
    figure.add_bar(x=monthly["close_month"], y=monthly["lost_amount"].cast(pl.Float64), name="Lost")
    figure.update_layout(barmode="group", yaxis_title=currency, margin={"t": 10}, height=300)
    st.plotly_chart(figure, width="stretch")
table(monthly.reverse(), "outcomes_monthly")

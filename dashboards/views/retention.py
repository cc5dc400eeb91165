"""Retention: how cohorts keep buying, net and gross revenue retention, who churned."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.components import (
    coverage_notes,
    empty_state,
    line_chart,
    table,
    with_customer_links,
)
from dashboards.data import require_version
from dashboards.filters import shared_filters
from dashboards.formatting import count, delta, money, percent
from dashboards.queries.quality import coverage_gaps
from dashboards.queries.retention import churned, months_back, net_retention, retention_cohorts

TREND_MONTHS = 24

st.title("Retention")
version = require_version()
filters = shared_filters(version, period=True, customers=True)
coverage_notes(coverage_gaps(version, ("revenue",)))
if filters.month is None:
    st.info("The warehouse holds no complete month yet.")
    st.stop()

kpis = net_retention(version).filter(pl.col("month") <= filters.month)
latest = kpis.row(-1, named=True)
before = kpis.row(-2, named=True) if kpis.height > 1 else {}
churns = churned(version, filters, months_back(filters.month, 11), filters.month)
currency = churns["reporting_currency"].first() if churns.height else "EUR"
this_month = churns.filter(pl.col("churn_month") == filters.month)

st.caption(f"**{filters.month:%B %Y}** against the month before · amounts in {currency}")
with st.container(horizontal=True):
    st.metric(
        "NRR (12 months)",
        percent(latest["nrr_12m"]),
        delta("percent", latest["nrr_12m"], before.get("nrr_12m")),
        border=True,
    )
    st.metric(
        "GRR (12 months)",
        percent(latest["grr_12m"]),
        delta("percent", latest["grr_12m"], before.get("grr_12m")),
        border=True,
    )
    st.metric(
        "Churned customers",
        count(latest["churned_customers"]),
        delta("count", latest["churned_customers"], before.get("churned_customers")),
        delta_color="inverse",
        border=True,
    )
    st.metric(
        "Yearly revenue lost to churn",
        money(this_month["net_revenue_12m_before"].sum(), currency),
        help="Net revenue of the 12 months before churning, of the customers that churned in "
        "the month (rpt_churned_customers), for the filtered customers.",
        border=True,
    )

st.subheader("Net and gross revenue retention")
line_chart(
    kpis.tail(TREND_MONTHS).filter(pl.col("nrr_12m").is_not_null()),
    "month",
    {"nrr_12m": "NRR", "grr_12m": "GRR"},
    "share of the revenue of 12 months earlier",
    ".0%",
)

st.subheader("Logo retention by acquisition cohort")
cohorts = retention_cohorts(version, filters.month)
if cohorts.is_empty():
    empty_state()
else:
    grid = cohorts.pivot(
        on="months_since_acquisition",
        index="acquisition_month",
        values="logo_retention",
        sort_columns=True,
    ).sort("acquisition_month")
    ages = [c for c in grid.columns if c != "acquisition_month"]
    figure = go.Figure(
        go.Heatmap(
            z=grid.select(ages).to_numpy(),
            x=[int(a) for a in ages],
            y=[f"{m:%Y-%m}" for m in grid["acquisition_month"]],
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={"tickformat": ".0%"},
            hovertemplate="cohort %{y}, month %{x}: %{z:.0%}<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis_title="Months since acquisition",
        yaxis_title="Cohort",
        margin={"t": 10},
        height=520,
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Share of each cohort's customers with net revenue in the month at that age; a customer "
        "that skips months and buys again counts again (rpt_retention_cohort). Company-wide."
    )
    with st.expander("Cohort figures"):
        table(cohorts, "retention_cohorts")

st.subheader(f"Churned customers, {months_back(filters.month, 11):%B %Y}–{filters.month:%B %Y}")
linked, config = with_customer_links(churns)
table(linked, "churned_customers", column_config=config, empty="No customer churned.")

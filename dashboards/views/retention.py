"""Retention: NRR and GRR on ARR, the ARR bridge, all-revenue retention, cohorts, churn."""

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
from dashboards.queries.retention import (
    arr_bridge,
    churned,
    months_back,
    net_retention,
    retention_cohorts,
)

TREND_MONTHS = 24
NRR_HELP = (
    "Net revenue retention on recurring revenue: the ARR now of the customers that had ARR 12 "
    "months earlier / their ARR then (expansion, contraction and churn included)."
)
GRR_HELP = (
    "Gross revenue retention on recurring revenue: as NRR, each customer's ARR capped at its "
    "ARR 12 months earlier (at most 100 %)."
)
ALL_REVENUE_HELP = (
    "Revenue retention, all revenue (goods and projects too, not only subscriptions): the net "
    "revenue of the last 12 months of the customers active 12 months earlier / their net "
    "revenue of the 12 months before{capped}."
)
# (label, rpt_arr_bridge column), in the order the bridge adds up.
BRIDGE = (
    ("Opening ARR", "opening_arr"),
    ("+ New", "new_arr"),
    ("+ Expansion", "expansion_arr"),
    ("− Contraction", "contraction_arr"),
    ("− Churn", "churned_arr"),
    ("+ Reactivation", "reactivation_arr"),
    ("= Closing ARR", "closing_arr"),
)

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
    for label, column, help_text in (
        ("NRR (12 months)", "nrr_12m", NRR_HELP),
        ("GRR (12 months)", "grr_12m", GRR_HELP),
        (
            "Net revenue retention, all revenue (12 months)",
            "nrr_all_revenue_12m",
            ALL_REVENUE_HELP.format(capped=""),
        ),
        (
            "Gross revenue retention, all revenue (12 months)",
            "grr_all_revenue_12m",
            ALL_REVENUE_HELP.format(capped=", each customer's capped at its earlier revenue"),
        ),
    ):
        st.metric(
            label,
            percent(latest[column]),
            delta("percent", latest[column], before.get(column)),
            help=help_text,
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

st.subheader("Net and gross revenue retention on ARR")
line_chart(
    kpis.tail(TREND_MONTHS).filter(pl.col("nrr_12m").is_not_null()),
    "month",
    {"nrr_12m": "NRR", "grr_12m": "GRR"},
    "share of the ARR of 12 months earlier",
    ".0%",
)

st.subheader(f"ARR bridge, {filters.month:%B %Y}")
bridge = arr_bridge(version)
if bridge.height:
    bridge = bridge.filter(pl.col("month") <= filters.month).tail(TREND_MONTHS)
if bridge.is_empty():
    empty_state()
else:
    month_bridge = bridge.row(-1, named=True)
    arr_currency = month_bridge["reporting_currency"]
    with st.container(horizontal=True):
        for label, column in BRIDGE:
            st.metric(label, money(month_bridge[column], arr_currency), border=True)
    figure = go.Figure()
    for label, column in BRIDGE[1:-1]:
        figure.add_bar(
            x=bridge["month"], y=bridge[column].cast(pl.Float64), name=label.lstrip("+− ")
        )
    figure.add_scatter(
        x=bridge["month"],
        y=bridge["closing_arr"].cast(pl.Float64),
        name="Closing ARR",
        yaxis="y2",
        mode="lines+markers",
    )
    figure.update_layout(
        barmode="group",
        yaxis_title=f"ARR movement, {arr_currency}",
        yaxis2={"title": f"Closing ARR, {arr_currency}", "overlaying": "y", "side": "right"},
        margin={"t": 10},
        height=380,
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Opening ARR + new + expansion - contraction - churn + reactivation = closing ARR, "
        "every month (rpt_arr_bridge). Company-wide."
        + (
            ""
            if bridge["is_arr_history_complete"].all()
            else " Months before a full subscription term of history understate ARR and count "
            "existing subscribers as new."
        )
    )
    with st.expander("ARR bridge figures"):
        table(bridge.reverse(), "arr_bridge")

st.subheader("Revenue retention, all revenue")
line_chart(
    kpis.tail(TREND_MONTHS).filter(pl.col("nrr_all_revenue_12m").is_not_null()),
    "month",
    {
        "nrr_all_revenue_12m": "Net revenue retention, all revenue",
        "grr_all_revenue_12m": "Gross revenue retention, all revenue",
    },
    "share of the revenue of the 12 months a year earlier",
    ".0%",
)
st.caption(
    "On every invoice line, goods and projects included: not the KPI's NRR and GRR, which are "
    "on recurring revenue (above)."
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

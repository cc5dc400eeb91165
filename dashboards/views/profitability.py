"""Profitability: which customers and products make the money, and what serving them costs."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.components import coverage_notes, empty_state, table, with_customer_links
from dashboards.data import require_version
from dashboards.filters import shared_filters
from dashboards.formatting import money, percent
from dashboards.queries.profitability import (
    DIMENSIONS,
    RANKED,
    cost_to_serve,
    margin_by,
    ranked_customers,
    whale_curve,
    whale_summary,
)
from dashboards.queries.quality import coverage_gaps

TREND_MONTHS = 24

st.title("Profitability")
version = require_version()
filters = shared_filters(version, period=True, customers=True)
coverage_notes(coverage_gaps(version, ("margin", "support")))
if filters.month is None:
    st.info("The warehouse holds no complete month yet.")
    st.stop()

whale = whale_summary(version)
currency = whale.get("reporting_currency") or "EUR"
st.subheader("Whale curve: lifetime contribution margin by customer")
if not whale:
    empty_state("No customer has revenue or cost yet.")
elif whale["contribution_margin"] is None:
    empty_state("Contribution margin unknown: the warehouse has no cost data (see above).")
else:
    curve = whale_curve(version, whale["peak_rank"])
    with st.container(horizontal=True):
        st.metric(
            "Lifetime contribution margin",
            money(whale["contribution_margin"], currency),
            border=True,
        )
        st.metric(
            "Peak of the curve",
            percent(whale["peak_share"]),
            help="The most profitable customers together earn this share of the total "
            "contribution; the customers after them give part of it back.",
            border=True,
        )
        st.metric(
            "Customers at the peak",
            f"{whale['peak_rank']:,} of {whale['customers']:,}",
            border=True,
        )
    figure = go.Figure()
    figure.add_scatter(
        x=curve["customer_share"].cast(pl.Float64),
        y=curve["cumulative_contribution_share"].cast(pl.Float64),
        mode="lines",
        name="Cumulative contribution",
    )
    figure.add_hline(y=1, line_dash="dot")
    figure.update_layout(
        xaxis_title="Share of customers, most profitable first",
        yaxis_title="Share of total contribution",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        margin={"t": 10},
        height=340,
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Company-wide (rpt_customer_profitability_lifetime): the shares are of the whole "
        "company's contribution; the segment, country and channel filters apply to the lists."
    )

left, right = st.columns(2)
for column, most, heading in (
    (left, True, f"{RANKED} most profitable customers"),
    (right, False, f"{RANKED} least profitable customers"),
):
    with column:
        st.subheader(heading)
        ranked, config = with_customer_links(ranked_customers(version, filters, most=most))
        table(ranked, "most_profitable" if most else "least_profitable", column_config=config)

st.subheader(f"Gross margin by dimension, {filters.month:%B %Y}")
dimension = st.segmented_control(
    "Break down by",
    list(DIMENSIONS),
    default="product",
    format_func=DIMENSIONS.get,
    key="dimension",
)
margins = margin_by(version, dimension or "product", filters.month)
if margins.height:
    top = margins.head(20)
    figure = go.Figure()
    figure.add_bar(
        x=top["dimension_label"], y=top["net_revenue"].cast(pl.Float64), name="Net revenue"
    )
    figure.add_bar(
        x=top["dimension_label"], y=top["gross_margin"].cast(pl.Float64), name="Gross margin"
    )
    figure.update_layout(barmode="group", yaxis_title=currency, margin={"t": 10}, height=340)
    st.plotly_chart(figure, width="stretch")
table(margins, f"margin_by_{dimension or 'product'}")

st.subheader("Cost to serve and contribution margin")
costs = cost_to_serve(version).filter(pl.col("month") <= filters.month).tail(TREND_MONTHS)
if costs.height:
    figure = go.Figure()
    for name, label in (
        ("gross_margin", "Gross margin"),
        ("cost_to_serve", "Cost to serve"),
        ("contribution_margin", "Contribution margin"),
    ):
        figure.add_bar(x=costs["month"], y=costs[name].cast(pl.Float64), name=label)
    figure.update_layout(barmode="group", yaxis_title=currency, margin={"t": 10}, height=340)
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Cost to serve: support handle time at the support cost rate plus GL costs carrying a "
        "customer number; unattributed_cost_to_serve is the part no customer could be found for."
    )
table(costs.reverse(), "cost_to_serve")

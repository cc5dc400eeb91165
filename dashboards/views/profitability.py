"""Profitability: which customers and products make the money, and what serving them costs."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.components import (
    coverage_notes,
    empty_state,
    revenue_margin_bars,
    table,
    with_customer_links,
)
from dashboards.data import require_version
from dashboards.filters import shared_filters
from dashboards.formatting import money, money_change, percent
from dashboards.queries.profitability import (
    DIMENSIONS,
    LOSS_MAKERS_SHOWN,
    RANKED,
    cost_by_driver,
    cost_drivers,
    cost_to_serve,
    loss_makers,
    margin_by,
    ranked_customers,
    whale_curve,
    whale_summary,
    what_if,
)
from dashboards.queries.quality import coverage_gaps

TREND_MONTHS = 24

st.title("Profitability")
version = require_version()
filters = shared_filters(version, period=True, customers=True)
coverage_notes(coverage_gaps(version, ("margin", "support")))
drivers = cost_drivers(version)
for message in drivers.filter(~pl.col("is_available"))["message"].unique(maintain_order=True):
    st.warning(message, icon=":material/database_off:")
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
            "—"
            if whale["peak_rank"] is None
            else f"{whale['peak_rank']:,} of {whale['customers']:,}",
            border=True,
        )
        st.metric(
            "Customers earning 100 %",
            "—"
            if whale["crossing_rank"] is None
            else f"{whale['crossing_rank']:,} ({percent(whale['crossing_customer_share'])})",
            help="The most profitable customers who together earn the whole contribution: "
            "where the curve first reaches 100 %.",
            border=True,
        )
        st.metric(
            "Customers losing money",
            f"{whale['loss_makers']:,} of {whale['customers']:,}",
            help="Lifetime contribution margin below zero: gross margin does not cover the "
            "activity-based cost to serve.",
            border=True,
        )
    if whale["peak_share"] is None:
        # The shares are of the company's total contribution (the mart leaves them null when
        # it is zero or less): there is no share of a loss to draw.
        empty_state(
            "No curve: the company's lifetime contribution margin is "
            f"{money(whale['contribution_margin'], currency)}, so there is no total to take "
            "shares of. The customers who lose money are listed below."
        )
    else:
        figure = go.Figure()
        figure.add_scatter(
            x=curve["customer_share"].cast(pl.Float64),
            y=curve["cumulative_contribution_share"].cast(pl.Float64),
            mode="lines",
            name="Cumulative contribution",
        )
        marks = curve.filter(
            pl.col("contribution_rank").is_in([whale["peak_rank"], whale["crossing_rank"]])
        )
        figure.add_scatter(
            x=marks["customer_share"].cast(pl.Float64),
            y=marks["cumulative_contribution_share"].cast(pl.Float64),
            mode="markers+text",
            text=[
                "peak" if rank == whale["peak_rank"] else "100 %"
                for rank in marks["contribution_rank"]
            ],
            textposition="top center",
            name="Peak and 100 %",
        )
        figure.add_hline(y=1, line_dash="dot")
        figure.update_layout(
            xaxis_title="Share of customers, most profitable first",
            yaxis_title="Share of total contribution",
            xaxis_tickformat=".0%",
            xaxis_range=[0, 1],
            yaxis_tickformat=".0%",
            margin={"t": 10},
            height=340,
        )
        st.plotly_chart(figure, width="stretch")
        st.caption(
            "Company-wide (rpt_customer_profitability_lifetime): the shares are of the whole "
            "company's contribution; the segment, country and channel filters apply to the lists."
        )

st.subheader("Customers who lose money, and the driver that sinks each one")
losers, config = with_customer_links(loss_makers(version, filters))
table(
    losers,
    "loss_makers",
    column_config=config,
    empty="No customer has a negative lifetime contribution (with these filters).",
)
if losers.height == LOSS_MAKERS_SHOWN:
    st.caption(f"The {LOSS_MAKERS_SHOWN} worst; the tile above counts them all.")

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
    revenue_margin_bars(margins.head(20), "dimension_label", currency, height=340)
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
        "Cost to serve: every driver's volume x its rate (below); unattributed_cost_to_serve is "
        "the part no customer could be found for."
    )
table(costs.reverse(), "cost_to_serve")

st.subheader("Cost to serve by driver")
by_driver = cost_by_driver(version).filter(pl.col("month") <= filters.month)
shown_months = by_driver["month"].unique().sort().tail(TREND_MONTHS)
by_driver = by_driver.filter(pl.col("month").is_in(shown_months.implode()))
if by_driver.height:
    figure = go.Figure()
    for (label,), rows in by_driver.group_by("driver_label", maintain_order=True):
        figure.add_bar(x=rows["month"], y=rows["cost_to_serve"].cast(pl.Float64), name=label)
    figure.update_layout(barmode="stack", yaxis_title=currency, margin={"t": 10}, height=340)
    st.plotly_chart(figure, width="stretch")
table(
    drivers.drop("message", "reporting_currency"),
    "cost_drivers",
    empty="No cost-to-serve driver is configured.",
)
st.caption(
    "Each driver's volume x its rate (rpt_cost_to_serve): configured in the seed "
    "cost_driver_rates, or a GL cost pool / the month's volume where cost_pool_drivers maps "
    "an account to the driver. direct_gl: ledger entries carrying the customer's number."
)

st.subheader("What if a driver cost more or less?")
adjustable = drivers.filter(
    pl.col("is_available") & (pl.col("driver") != "direct_gl") & (pl.col("volume") > 0)
)
rates: dict[str, float] = {}
with st.container(horizontal=True):
    for row in adjustable.iter_rows(named=True):
        start = float(row["mean_rate"] if row["mean_rate"] is not None else row["configured_rate"])
        rates[row["driver"]] = st.slider(
            f"{row['driver_label']} ({currency} per {row['unit']})",
            min_value=0.0,
            max_value=max(4 * start, 1.0),
            value=start,
            step=max(start, 0.001) / 20,
            key=f"rate_{row['driver']}",
            width=260,
        )
scenario = what_if(version, rates)
with st.container(horizontal=True):
    st.metric(
        "Lifetime cost to serve",
        money(scenario["what_if_cost_to_serve"], currency),
        delta=money_change(scenario["what_if_change"], currency),
        delta_color="inverse",
        help="The mart's volumes x the rates above; as built: "
        f"{money(scenario['cost_to_serve'], currency)}.",
        border=True,
    )
    st.metric(
        "Lifetime contribution margin",
        money(scenario["what_if_contribution"], currency),
        border=True,
    )
    st.metric(
        "Customers losing money",
        f"{scenario['what_if_loss_makers']:,} of {scenario['customers']:,}",
        border=True,
    )

"""Acquisition and value: what a customer costs to win, by channel, and what it is worth."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.components import (
    coverage_notes,
    download_csv,
    empty_state,
    table,
    with_customer_links,
)
from dashboards.data import require_version
from dashboards.filters import shared_filters
from dashboards.formatting import clv_fit_caption, count, money, ratio, short_amount
from dashboards.queries.acquisition import (
    BINS_PER_DECADE,
    TOP_CUSTOMERS,
    cac_monthly,
    clv_histogram,
    clv_summary,
    cohort_cac,
    cohorts,
    ltv_curve,
    predicted_clv,
    quarters,
    top_clv,
    unit_economics,
)
from dashboards.queries.quality import coverage_gaps

TREND_MONTHS = 24

st.title("Acquisition and value")
version = require_version()
filters = shared_filters(version, period=True, customers=True)
coverage_notes(coverage_gaps(version, ("acquisition", "margin")))
if filters.month is None:
    st.info("The warehouse holds no complete month yet.")
    st.stop()

cac = cac_monthly(version, filters).filter(pl.col("month") <= filters.month)
currency = cac["reporting_currency"].first() if cac.height else "EUR"
blended = cac.filter(pl.col("is_blended") & (pl.col("month") == filters.month))
chosen = blended.row(0, named=True) if blended.height else {}

st.subheader(f"CAC by channel, {filters.month:%B %Y}")
with st.container(horizontal=True):
    st.metric("Blended CAC", money(chosen.get("cac"), currency), border=True)
    st.metric("Sales and marketing spend", money(chosen.get("spend"), currency), border=True)
    st.metric("New customers", count(chosen.get("new_customers")), border=True)
recent = cac.filter(pl.col("month") > pl.lit(filters.month).dt.offset_by(f"-{TREND_MONTHS}mo"))
if recent.is_empty():
    empty_state()
else:
    figure = go.Figure()
    for channel in recent["channel"].unique(maintain_order=True).to_list():
        rows = recent.filter(pl.col("channel") == channel)
        figure.add_scatter(
            x=rows["month"],
            y=rows["cac"].cast(pl.Float64),
            name=channel,
            mode="lines+markers",
            line={"width": 4 if channel == "Blended" else 2},
        )
    figure.update_layout(yaxis_title=f"CAC ({currency})", margin={"t": 10}, height=360)
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "CAC = spend / new customers of the month (rpt_cac_monthly); no point where a channel "
        "won nobody. Channel rows carry marketing spend only, the Blended row adds sales spend."
    )
    with st.expander("CAC per channel and month"):
        table(
            recent.pivot(on="month", index="channel", values="cac", sort_columns=True),
            "cac_by_channel_and_month",
        )

st.subheader("Cohort LTV against CAC")
months = [m for m in cohorts(version) if m <= filters.month]
if not months:
    empty_state()
else:
    cohort = st.selectbox(
        "Acquisition cohort",
        months,
        index=min(12, len(months) - 1),
        format_func=lambda m: f"{m:%B %Y}",
        key="cohort",
    )
    curve = ltv_curve(version, cohort)
    costs = cohort_cac(version, cohort)
    if curve.is_empty():
        empty_state("No complete month for this cohort yet.")
    else:
        figure = go.Figure()
        figure.add_scatter(
            x=curve["months_since_acquisition"],
            y=curve["ltv_per_customer"].cast(pl.Float64),
            name="LTV per customer (cumulative gross margin)",
            mode="lines+markers",
        )
        if costs.get("cac") is not None:
            figure.add_hline(
                y=float(costs["cac"]),
                line_dash="dash",
                annotation_text=f"Blended CAC {money(costs['cac'], currency)}",
            )
        figure.update_layout(
            xaxis_title="Months since acquisition",
            yaxis_title=currency,
            margin={"t": 10},
            height=340,
        )
        st.plotly_chart(figure, width="stretch")
        acquired = curve["cohort_customers"][0]
        st.caption(
            f"{acquired:,} customer{'' if acquired == 1 else 's'} acquired in {cohort:%B %Y} "
            "(rpt_ltv_cohort); the cohort has paid back its CAC where the curve crosses the line "
            "(rpt_cac_cohort)."
        )
        table(curve, f"ltv_cohort_{cohort:%Y_%m}")

st.subheader("LTV:CAC and payback by channel")
starts = [q for q in quarters(version) if q <= filters.month]
if not starts:
    empty_state()
else:
    quarter = st.selectbox(
        "Quarter cohort",
        starts,
        index=min(1, len(starts) - 1),
        format_func=lambda q: f"Q{(q.month + 2) // 3} {q:%Y}",
        key="quarter",
        help="Customers acquired in the quarter. LTV is the mean predicted CLV (36 months of "
        "gross margin, discounted) of the cohort's customers.",
    )
    economics = unit_economics(version, quarter)
    if economics.height:
        figure = go.Figure()
        figure.add_bar(x=economics["channel"], y=economics["ltv_to_cac"].cast(pl.Float64))
        figure.update_layout(yaxis_title="LTV:CAC", margin={"t": 10}, height=300)
        st.plotly_chart(figure, width="stretch")
        total = economics.filter(pl.col("channel") == "Blended")
        if total.height:
            st.caption(
                f"Blended LTV:CAC {ratio(total['ltv_to_cac'][0])}, payback "
                f"{total['payback_months'][0] or '—'} months (rpt_unit_economics)."
            )
    table(economics, f"unit_economics_{quarter:%Y_%m}")

st.subheader("Predicted customer lifetime value")
summary = clv_summary(version, filters)
if not summary["customers"]:
    empty_state()
else:
    with st.container(horizontal=True):
        st.metric("Customers scored", count(summary["customers"]), border=True)
        st.metric(
            "Total predicted CLV",
            money(summary["predicted_clv"], currency),
            help=f"Gross margin expected over the next {summary['horizon_months']} months, "
            "discounted (fct_customer_clv), for the filtered customers.",
            border=True,
        )
    st.caption(clv_fit_caption(summary["fitted_through"], summary["refit_days"]))
    bins = clv_histogram(version, filters)
    bands = [
        f"under {short_amount(upper)}"
        if lower is None
        else f"{short_amount(lower)} to {short_amount(upper)}"
        for lower, upper in bins.select("lower_bound", "upper_bound").iter_rows()
    ]
    bins = bins.with_columns(pl.Series("band", bands))
    decades = bins.filter(pl.col("bin") % BINS_PER_DECADE == 0)
    figure = go.Figure()
    figure.add_bar(
        x=bins["bin"] + 0.5,
        y=bins["customers"],
        width=1,
        customdata=bins["band"],
        hovertemplate=f"%{{customdata}} {currency}: %{{y:,}} customers<extra></extra>",
    )
    figure.update_layout(
        xaxis={
            "title": f"Predicted CLV ({currency}, log scale: {BINS_PER_DECADE} bins per tenfold)",
            "tickvals": decades["bin"].to_list(),
            "ticktext": [short_amount(bound) for bound in decades["lower_bound"]],
            "tickangle": 0,
        },
        yaxis_title="Customers",
        bargap=0.05,
        margin={"t": 10},
        height=300,
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(
        "Customers per band of predicted CLV (fct_customer_clv), bands of equal width on a log "
        "scale: the values run from under 1 to hundreds of thousands, with the bulk in one "
        "decade. Values under 1 (zero or negative margin) share the first band."
    )
    with st.expander("Customers per band"):
        table(bins.drop("bin"), "predicted_clv_bands")
    scored = summary["customers"]
    st.markdown(
        f"**The {min(TOP_CUSTOMERS, scored):,} customers with the highest predicted CLV** "
        f"(of {scored:,} scored; the download below has every one of them)"
    )
    top, config = with_customer_links(top_clv(version, filters, TOP_CUSTOMERS))
    table(top, "predicted_clv_top", column_config=config)
    download_csv(
        f"Download all {scored:,} scored customers (CSV)",
        lambda: predicted_clv(version, filters),
        "predicted_clv",
    )

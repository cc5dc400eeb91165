"""Projects and receivables: project margin, utilisation and realisation, aging and DSO."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.components import coverage_notes, line_chart, table, with_customer_links
from dashboards.data import require_version
from dashboards.filters import shared_filters
from dashboards.formatting import days, delta, money, percent
from dashboards.queries.projects import (
    AGING,
    aging,
    employees,
    overdue_invoices,
    projects,
    utilisation,
)
from dashboards.queries.quality import coverage_gaps

TREND_MONTHS = 24

st.title("Projects and receivables")
version = require_version()
filters = shared_filters(version, period=True, customers=True)
coverage_notes(coverage_gaps(version, ("projects", "receivables")))
if filters.month is None:
    st.info("The warehouse holds no complete month yet.")
    st.stop()

receivables = aging(version).filter(pl.col("month") <= filters.month)
snapshot = receivables.row(-1, named=True) if receivables.height else {}
before = receivables.row(-2, named=True) if receivables.height > 1 else {}
currency = snapshot.get("reporting_currency") or "EUR"
work = utilisation(version).filter(pl.col("month") <= filters.month)

st.caption(
    f"Open receivables (tax included) at {snapshot.get('snapshot_date') or '—'}, the end of "
    f"{filters.month:%B %Y} · company-wide · {currency}"
)
with st.container(horizontal=True):
    st.metric(
        "Open receivables",
        money(snapshot.get("open_amount"), currency),
        delta("money", snapshot.get("open_amount"), before.get("open_amount")),
        delta_color="inverse",
        border=True,
    )
    st.metric(
        "Overdue",
        money(snapshot.get("overdue_amount"), currency),
        delta("money", snapshot.get("overdue_amount"), before.get("overdue_amount")),
        delta_color="inverse",
        border=True,
    )
    st.metric(
        "DSO",
        days(snapshot.get("dso_days")),
        delta("days", snapshot.get("dso_days"), before.get("dso_days")),
        delta_color="inverse",
        help="Open receivables / net revenue of the 90 days to the snapshot x 90 "
        "(rpt_kpi_monthly).",
        border=True,
    )
# Only the open tab is drawn (`.open`; the tabs are bound to `?tab=`, so switching reruns the
# page): the two tabs together are 3 charts and 5 tables, the hidden one about half of what the
# browser would draw on opening the page (with 1,000-row tables at 100,000 customers).
projects_tab, receivables_tab = st.tabs(
    ["Projects and utilisation", "Receivables"], key="tab", bind="query-params"
)
if receivables_tab.open is not False:  # None: Streamlit does not track the open tab
    with receivables_tab:
        st.subheader("Aging")
        recent = receivables.tail(TREND_MONTHS)
        if recent.height:
            figure = go.Figure()
            for column, label in AGING:
                figure.add_bar(x=recent["month"], y=recent[column].cast(pl.Float64), name=label)
            figure.update_layout(
                barmode="stack", yaxis_title=currency, margin={"t": 10}, height=340
            )
            st.plotly_chart(figure, width="stretch")
        st.subheader("DSO")
        line_chart(recent, "month", {"dso_days": "DSO"}, "days")
        table(recent.reverse(), "receivables_aging")
        st.subheader("Overdue invoices (as of the newest extract)")
        overdue, config = with_customer_links(overdue_invoices(version, filters))
        table(overdue, "overdue_invoices", column_config=config, empty="No overdue invoice.")

if projects_tab.open is not False:  # None: Streamlit does not track the open tab
    with projects_tab:
        work_month = work.filter(pl.col("month") == filters.month)
        with st.container(horizontal=True):
            for row in work_month.iter_rows(named=True):
                st.metric(
                    f"{row['department']} utilisation",
                    percent(row["utilisation_rate"]),
                    help=f"Realisation {percent(row['realisation_rate'])} "
                    "(billed / billable hours)",
                    border=True,
                )
        st.subheader("Utilisation and realisation by department")
        departments = work.tail(TREND_MONTHS * max(1, work["department"].n_unique()))
        if departments.height:
            figure = go.Figure()
            for department in departments["department"].unique(maintain_order=True).to_list():
                rows = departments.filter(pl.col("department") == department)
                figure.add_scatter(
                    x=rows["month"],
                    y=rows["utilisation_rate"].cast(pl.Float64),
                    name=f"{department} utilisation",
                    mode="lines",
                )
                figure.add_scatter(
                    x=rows["month"],
                    y=rows["realisation_rate"].cast(pl.Float64),
                    name=f"{department} realisation",
                    mode="lines",
                    line={"dash": "dot"},
                )
            figure.update_layout(yaxis_tickformat=".0%", margin={"t": 10}, height=340)
            st.plotly_chart(figure, width="stretch")
        table(departments.reverse(), "utilisation_by_department")
        with st.expander(f"Employees, {filters.month:%B %Y}"):
            table(employees(version, filters.month), "utilisation_by_employee")
        st.subheader("Project margin")
        linked, config = with_customer_links(projects(version, filters))
        table(linked, "project_economics", column_config=config, height=420)

"""Customer 360: find a customer by name, CRM account id or ERP number; everything on one screen."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.auth import require_grant
from dashboards.components import coverage_notes, empty_state, revenue_margin_bars, table
from dashboards.data import require_version
from dashboards.filters import shared_filters
from dashboards.formatting import clv_fit_caption, count, markdown_literal, money, percent
from dashboards.queries.customer import (
    SEARCH_LIMIT,
    arr_history,
    clv,
    cost_to_serve,
    golden_record,
    monthly,
    receivables,
    satisfaction,
    search,
    source_records,
    timeline,
)
from dashboards.queries.quality import coverage_gaps

st.title("Customer 360")
version = require_version()
rows = require_grant().rows  # a sales reader sees only the customers they own in the CRM
if rows.crm_owner_ids == ():
    st.warning(
        "Your role shows the customers you own in the CRM, but your CRM user is not known: ask "
        "an administrator to add your `crm_user_id` to access.yml.",
        icon=":material/lock:",
    )
filters = shared_filters(version, customers=True)
coverage_notes(coverage_gaps(version, ("customer",)))

text = st.text_input(
    "Search",
    key="q",
    bind="query-params",
    placeholder="Name, CRM account id or ERP customer number",
    help="Part of a name, or an exact id of any of the customer's CRM or ERP records.",
)
found = search(version, text or "", filters, rows)
if found.is_empty():
    empty_state("No customer matches this search and these filters.")
    st.stop()

labels = {
    row["customer_key"]: f"{row['customer_name']} · {row['erp_customer_number']}"
    f" · {row['country_code'] or '?'}"
    for row in found.iter_rows(named=True)
}
st.caption(
    f"{found.height:,} customer{'s' if found.height != 1 else ''} found"
    + (f" (the first {SEARCH_LIMIT}, by lifetime revenue)" if found.height == SEARCH_LIMIT else "")
)
key = st.selectbox("Customer", list(labels), format_func=labels.get, key="customer")
customer = golden_record(version, key, rows)
csat = satisfaction(version, key, rows)
currency = monthly(version, key, rows)["reporting_currency"].first() or "EUR"

# The sources' values are shown as typed, never read as Markdown (markdown_literal).
st.header(markdown_literal(customer["customer_name"] or customer["legal_name"] or key))
st.caption(
    f"Customer key `{key}` · ERP {markdown_literal(customer['erp_customer_number'])} · CRM "
    f"{markdown_literal(customer['crm_account_id'] or 'none matched')} · "
    f"{markdown_literal(customer['segment'] or 'no segment')} · "
    f"{markdown_literal(customer['country_code'] or 'no country')} · acquired "
    f"{customer['acquisition_month'] or 'never invoiced'} via "
    f"{markdown_literal(customer['acquisition_channel'])}"
)
with st.container(horizontal=True):
    st.metric(
        "Lifetime net revenue", money(customer["lifetime_net_revenue"], currency), border=True
    )
    st.metric(
        "Lifetime gross margin", money(customer["lifetime_gross_margin"], currency), border=True
    )
    st.metric("Open balance", money(customer["outstanding_balance"], currency), border=True)
    st.metric("Open pipeline", money(customer["open_pipeline"], currency), border=True)
    st.metric("Open cases", count(customer["open_cases"]), border=True)
    st.metric("Active", "yes" if customer["is_active"] else "no", border=True)
    st.metric(
        "Predicted CLV",
        money(customer.get("predicted_clv"), currency),
        help="Gross margin expected over the next 36 months, discounted (fct_customer_clv).",
        border=True,
    )
    st.metric(
        "CSAT",
        "—" if csat.get("avg_csat") is None else f"{csat['avg_csat']:.1f} / 5",
        help=f"Mean satisfaction score of {csat.get('rated_cases', 0)} rated support cases "
        f"out of {csat.get('cases', 0)} (rpt_customer_satisfaction); "
        f"{csat.get('dissatisfied_cases', 0)} rated 1 or 2.",
        border=True,
    )
    st.metric(
        "P(alive)",
        percent(customer.get("p_alive")),
        help="Probability the customer is still buying (BG/NBD, fct_customer_clv).",
        border=True,
    )

events = timeline(version, key, rows)
tabs = st.tabs(
    [
        "Golden record",
        "Revenue and margin",
        "ARR",
        "Invoices",
        "Opportunities",
        "Cases",
        "Activities",
        "Orders",
        "Receivables",
        "Value",
        "Timeline",
        "Cost to serve",
    ]
)
with tabs[0]:
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Golden record")
        record = pl.DataFrame(
            {
                "attribute": list(customer),
                "value": [str(v) if v is not None else "" for v in customer.values()],
            }
        )
        table(record, f"customer-{key}")
    with right:
        st.subheader("Source records and how they were matched")
        table(source_records(version, key, rows), f"customer-{key}-sources")
with tabs[1]:
    months = monthly(version, key, rows)
    if months.is_empty():
        empty_state("No invoices for this customer.")
    else:
        revenue_margin_bars(months, "month", currency)
        table(months.reverse(), f"customer-{key}-monthly")
with tabs[2]:
    recurring = arr_history(version, key, rows)
    if recurring.is_empty():
        empty_state("No subscription revenue for this customer.")
    else:
        figure = go.Figure()
        figure.add_bar(x=recurring["month"], y=recurring["arr"].cast(pl.Float64), name="ARR")
        figure.update_layout(yaxis_title=currency, margin={"t": 10}, height=320)
        st.plotly_chart(figure, width="stretch")
        st.caption(
            "Annual recurring revenue at each month: 12 x MRR, the customer's subscription "
            "revenue recognised in the month (rpt_arr_monthly), with the month's movement."
        )
        table(recurring.reverse(), f"customer-{key}-arr")
for tab, kinds, name in (
    (tabs[3], ["invoice", "credit_note"], "invoices"),
    (tabs[4], ["opportunity"], "opportunities"),
    (tabs[5], ["case"], "cases"),
    (tabs[6], ["activity"], "activities"),
    (tabs[7], ["sales_order"], "orders"),
):
    with tab:
        table(
            events.filter(pl.col("event_type").is_in(kinds)),
            f"customer-{key}-{name}",
            empty=f"No {name.replace('_', ' ')} for this customer.",
        )
with tabs[8]:
    table(
        receivables(version, key, rows),
        f"customer-{key}-receivables",
        empty="No invoices for this customer.",
    )
with tabs[9]:
    value = clv(version, key, rows)
    if not value:
        empty_state(
            "The CLV model has not scored this customer (no purchase before its as-of date)."
        )
    else:
        st.caption(clv_fit_caption(value["fitted_through"], value["refit_days"]))
        table(
            pl.DataFrame(
                {
                    "measure": list(value),
                    "value": [str(v) if v is not None else "" for v in value.values()],
                }
            ),
            f"customer-{key}-clv",
        )
with tabs[10]:
    table(events, f"customer-{key}-timeline", empty="Nothing has happened with this customer yet.")
with tabs[11]:
    costs = cost_to_serve(version, key, rows)
    if costs.height:
        figure = go.Figure()
        figure.add_bar(
            x=costs["driver_label"], y=costs["cost_to_serve"].cast(pl.Float64), name="Cost"
        )
        figure.update_layout(yaxis_title=currency, margin={"t": 10}, height=300)
        st.plotly_chart(figure, width="stretch")
        st.caption(
            "Lifetime cost to serve by driver: each driver's volume x its rate "
            "(rpt_cost_to_serve_lifetime, the Profitability page explains the rates)."
        )
    table(costs, f"customer-{key}-cost-to-serve", empty="Serving this customer cost nothing yet.")

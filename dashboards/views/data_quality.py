"""Data quality: is the published warehouse fresh, complete and trustworthy?"""

import datetime as dt

import polars as pl
import streamlit as st

from dashboards.components import coverage_notes, table
from dashboards.data import require_version
from dashboards.formatting import count, money, percent
from dashboards.queries import quality

st.title("Data quality")
version = require_version()
now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)

published = quality.publication(version)
freshness = quality.freshness(version, now)
log = quality.load_log(version)
quarantined = quality.quarantine(version)
sync_errors = quality.sync_errors(version)
rates = dict(quality.match_rates(version).iter_rows())
queue = quality.review_queue(version)
guest_sales = quality.unidentified_sales(version)
unreconciled = log.filter(~pl.col("is_reconciled"))

st.caption(
    f"Last refresh published **{published.get('published_at'):%Y-%m-%d %H:%M} UTC**, version "
    f"`{published.get('version')}` ({published.get('tables')} tables)."
)
with st.container(horizontal=True):
    st.metric(
        "Oldest source",
        f"{freshness['hours_old'].max():,.1f} h" if freshness.height else "—",
        help="Hours since the newest extract loaded, for the least fresh source.",
        border=True,
    )
    st.metric("Files loaded", count(log.filter(pl.col("status") == "loaded").height), border=True)
    st.metric("Rows quarantined", count(quarantined.height), border=True)
    st.metric("Files not reconciled", count(unreconciled.height), border=True)
    st.metric("Sync errors", count(sync_errors.height), border=True)
    st.metric(
        "Match rate (revenue)",
        percent(rates.get("erp_customers_matched_to_crm_by_revenue")),
        help="Share of ERP customers' net revenue linked to at least one CRM account.",
        border=True,
    )
    st.metric("Review queue", count(queue.height), border=True)
    if guest_sales:
        st.metric(
            "Guest sales",
            percent(guest_sales["unidentified_revenue_share"]),
            help=(
                "Share of net revenue on invoices without a customer number (guest checkouts, "
                "cash sales): "
                + money(guest_sales["unidentified_net_revenue"], guest_sales["reporting_currency"])
                + f" on {guest_sales['unidentified_documents']:,} documents, held by the "
                f"'{guest_sales['unidentified_customer_name']}' member. Counted in revenue and "
                "margin, in no customer count."
            ),
            border=True,
        )

st.subheader("Sources delivered")
coverage = quality.source_coverage(version)
gaps = quality.coverage_gaps(version)
if not gaps.is_empty():
    coverage_notes(gaps)
elif coverage.is_empty():
    st.caption("This version holds no record of what the sources delivered.")
else:
    st.caption(
        f":material/check_circle: All {coverage.height} entities the marts read were delivered "
        "(Source coverage, below)."
    )

st.subheader("Freshness per source")
table(freshness, "freshness")

tabs = st.tabs(
    [
        "Load log",
        "Quarantine",
        "Reconciliation",
        "Sync errors",
        "Identity",
        "Source coverage",
        "Row counts",
    ]
)
with tabs[0]:
    table(log, "load_log", empty="No file has been loaded.")
with tabs[1]:
    table(
        quality.quarantine_reasons(version), "quarantine_reasons", empty="No row was quarantined."
    )
    table(quarantined, "quarantine", empty="No row was quarantined.")
with tabs[2]:
    st.caption("Every file: rows read = rows loaded + rows quarantined.")
    if unreconciled.is_empty():
        st.success(f"All {log.height:,} files reconcile.", icon=":material/check_circle:")
    else:
        table(unreconciled, "unreconciled_files")
with tabs[3]:
    table(sync_errors, "sync_errors", empty="No sync errors.")
with tabs[4]:
    left, right = st.columns(2)
    with left:
        st.subheader("Match rates")
        table(quality.match_rates(version), "identity_match_rates")
    with right:
        st.subheader("Review queue")
        st.caption(
            "Append a decision (record_a, record_b, same | never_same) to the stewardship "
            "overrides file; the next refresh applies it."
        )
        table(queue, "identity_review_queue", empty="Nothing awaits review.")
with tabs[5]:
    st.caption(
        "Every canonical entity: rows available, and what is empty or unknown without it "
        "(quality.source_coverage)."
    )
    table(coverage, "source_coverage")
with tabs[6]:
    table(quality.row_counts(version), "row_counts")

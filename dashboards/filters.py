"""Filters shared by the pages: period, segment, country and acquisition channel.

They live in the sidebar, bound to the URL's query parameters (`?segment=SMB&month=2026-08`), so
a filtered view can be bookmarked or sent, and they keep their value from page to page. Options
come from the marts; a page asks only for the filters that make sense for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from dashboards.data import query

ALL = "All"

# Filter name -> column of dim_customers (and of rpt_customer_monthly) it selects on.
CUSTOMER_COLUMNS = {
    "segment": "segment",
    "country": "country_code",
    "channel": "acquisition_channel",
}


@dataclass(frozen=True)
class Filters:
    """The filter values chosen; None means no restriction."""

    month: dt.date | None = None
    segment: str | None = None
    country: str | None = None
    channel: str | None = None

    def customer_clause(self, alias: str = "") -> tuple[str, tuple[object, ...]]:
        """SQL `and ...` conditions on segment, country and channel, with their parameters."""
        prefix = f"{alias}." if alias else ""
        conditions, params = [], []
        for name, column in CUSTOMER_COLUMNS.items():
            value = getattr(self, name)
            if value is not None:
                conditions.append(f" and {prefix}{column} = ?")
                params.append(value)
        return "".join(conditions), tuple(params)

    @property
    def is_customer_filtered(self) -> bool:
        """A segment, country or channel is selected."""
        return any(getattr(self, name) is not None for name in CUSTOMER_COLUMNS)


def options(column: str, version: str) -> list[str]:
    """Choices of a customer filter: "All" then the values of `column` in dim_customers."""
    rows = query(
        f"select distinct {column} as v from marts.dim_customers where {column} is not null "
        "order by v",
        version,
    )
    return [ALL, *rows["v"].to_list()]


def _choice(label: str, key: str, options: list[str]) -> str | None:
    value = st.sidebar.selectbox(label, options, key=key, bind="query-params")
    return None if value in (None, ALL) else value


def complete_months(version: str) -> list[dt.date]:
    """Complete months of the KPI mart, newest first (the period filter's choices)."""
    rows = query(
        "select month from marts.rpt_kpi_monthly where is_complete_month order by month desc",
        version,
    )
    return rows["month"].to_list()


def shared_filters(version: str, *, period: bool = False, customers: bool = False) -> Filters:
    """Render the filters a page uses in the sidebar and return the chosen values."""
    month = None
    if period:
        months = complete_months(version)
        labels = {f"{m:%Y-%m}": m for m in months}
        # Options are the URL's own spelling (`?month=2026-08`): a bound widget with a
        # format_func would expect the formatted label in the URL instead.
        chosen = st.sidebar.selectbox(
            "Month",
            list(labels),
            key="month",
            bind="query-params",
            help="A complete month (the ERP has been extracted through its last day), YYYY-MM.",
        )
        month = labels.get(chosen) if chosen else None
    if not customers:
        return Filters(month=month)
    return Filters(
        month=month,
        segment=_choice("Segment", "segment", options("segment", version)),
        country=_choice("Country", "country", options("country_code", version)),
        channel=_choice("Acquisition channel", "channel", options("acquisition_channel", version)),
    )

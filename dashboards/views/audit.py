"""Audit log (admins): who signed in, opened which page, ran which query, downloaded what."""

import datetime as dt

import polars as pl
import streamlit as st

from c360.audit import entries
from c360.settings import Settings
from dashboards.components import table

st.title("Audit log")
settings = Settings.from_env()
st.caption(
    f"`{settings.audit_log}`: one line per action, appended and never rewritten (times in UTC)."
)
left, right = st.columns(2)
since = left.date_input("Since", dt.datetime.now(dt.UTC).date() - dt.timedelta(days=7), key="since")
person = right.text_input("Person", key="person", placeholder="an email; empty: everyone")
found = entries(
    settings,
    since=dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC),
    user=person.strip().lower() or None,
)
rows = pl.DataFrame(
    {
        "at": [e["at"] for e in found],
        "who": [e["who"] for e in found],
        "action": [e["action"] for e in found],
        "detail": [
            ", ".join(f"{k}={v}" for k, v in e.items() if k not in ("at", "who", "action"))
            for e in found
        ],
    },
    schema={"at": pl.String, "who": pl.String, "action": pl.String, "detail": pl.String},
).reverse()
table(rows, "audit-log", empty="No entry for this period and person.")

"""Cached loaders over the published warehouse, keyed on its version.

Every query opens its own read-only connection to the resolved `current` file: one connection
shared by threads failed most queries when tried (Streamlit serves each session on a thread), and
keying the cache on the version means a new publication is picked up on the next rerun.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from c360.serving import NoPublishedVersionError, connect_readonly, resolve_current
from c360.settings import Settings


def current_version() -> str | None:
    """File name of the published version, or None when nothing is published yet."""
    try:
        return resolve_current(Settings.from_env()).name
    except (NoPublishedVersionError, FileNotFoundError):
        return None


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def query(sql: str, version: str) -> pl.DataFrame:
    """Run `sql` on the published version `version` (part of the cache key)."""
    settings = Settings.from_env()
    con = connect_readonly(settings, settings.serving_dir / version)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def kpi_monthly(version: str) -> pl.DataFrame:
    """The monthly KPI mart, oldest month first."""
    return query("select * from marts.rpt_kpi_monthly order by month", version)


def publication(version: str) -> dict[str, object]:
    """The publication record of the version (its name and time)."""
    rows = query("select version, published_at from meta.publication", version)
    return rows.row(0, named=True) if rows.height else {}

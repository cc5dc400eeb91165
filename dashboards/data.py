"""Cached loaders over the published warehouse, keyed on its version.

One sandboxed read-only database per published file is opened per process, and every query runs
on its own `cursor()` of it: one connection shared by threads failed most queries when tried
(Streamlit serves each session on a thread), a cursor per query had no errors, and opening the
file for every query cost 10-60 ms each. Keying the caches on the version means a new publication
is picked up on the next rerun. A refresh in progress never shows: it writes the build file,
which readers never open, and old versions stay on disk after the pointer moves (c360.publish
keeps five; an open file also survives its deletion). A damaged published file stops the page
with a message that names it and says what to do (c360.version_integrity), not a traceback.

A version is named by its file's path under the serving folder: `c360-<time>.duckdb` is the file
with personal data masked, `restricted/c360-<time>.duckdb` its copy with personal data, which a
a page gets from `require_version()` when the reader's role may see personal data. Every query
runs under the reader time limit (c360.serving.reader_limits); a query stopped by a limit stops
the page with the limit's message.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from c360.serving import (
    NoPublishedVersionError,
    QueryStoppedError,
    connect_readonly,
    reader_limits,
    resolve_current,
)
from c360.settings import Settings
from c360.version_integrity import DamagedVersionError, check_size, damage_named
from dashboards.auth import current_grant

Params = tuple[object, ...]


def current_version(personal_data: bool = False) -> str | None:
    """The published version's file under the serving folder, or None when there is none.

    The masked file unless `personal_data`; None too when the copy with personal data is missing.
    """
    settings = Settings.from_env()
    try:
        path = resolve_current(settings, personal_data=personal_data)
    except (NoPublishedVersionError, FileNotFoundError):
        return None
    # resolved on both sides: a C360_HOME reached through a symlink is the same folder
    return path.resolve().relative_to(settings.serving_dir.resolve()).as_posix()


@st.cache_resource(max_entries=4, show_spinner=False)
def _database(path: str) -> duckdb.DuckDBPyConnection:
    """The sandboxed read-only database of one published file, opened once per process."""
    return connect_readonly(Settings.from_env(), Path(path))


def connect(version: str) -> duckdb.DuckDBPyConnection:
    """A new cursor (its own connection) on the published file `version`; close it after use."""
    settings = Settings.from_env()
    return _database(str(settings.serving_dir / version)).cursor()


def run(sql: str, version: str, params: Sequence[object] = ()) -> pl.DataFrame:
    """Run `sql` with `params` on version `version`, uncached (the benchmark measures this)."""
    settings = Settings.from_env()
    cursor = connect(version)
    try:
        with damage_named(settings.serving_dir / version), reader_limits(cursor, settings):
            return cursor.sql(sql, params=list(params) or None).pl()
    finally:
        cursor.close()


@st.cache_data(ttl=600, max_entries=256, show_spinner=False)
def query(sql: str, version: str, params: Params = ()) -> pl.DataFrame:
    """`run`, cached per (sql, version, params): a new publication is a new key."""
    return run(sql, version, params)


def require_version(personal_data: bool | None = None) -> str:
    """The published version; when there is none or its file is damaged, say what to do, stop.

    The copy with personal data when `personal_data`, else the masked file. None (every page):
    what the reader's role allows (c360.access: `personal_data`), so a page cannot forget it.
    """
    if personal_data is None:
        grant = current_grant()
        personal_data = grant is not None and grant.role.personal_data
    version = current_version(personal_data)
    if version is None:
        st.info(
            "No warehouse has been published yet. Run `c360 refresh` (or `make demo`) and "
            "reload this page."
        )
        st.stop()
    settings = Settings.from_env()
    path = settings.serving_dir / version
    try:
        check_size(settings, path)
        _database(str(path))  # opened once per process; DuckDB checks the file's headers here
    except DamagedVersionError as exc:
        stop_on_damage(exc)
    return version


def stop_on_damage(exc: DamagedVersionError) -> None:
    """Show what is damaged and what to do, and stop the page."""
    st.error(str(exc), icon=":material/broken_image:")
    st.stop()


def stop_on_limit(exc: QueryStoppedError) -> None:
    """Say which reader limit stopped the page's query, and stop the page."""
    st.error(f"The {exc}.", icon=":material/timer_off:")
    st.stop()


def kpi_monthly(version: str) -> pl.DataFrame:
    """The monthly KPI mart, oldest month first."""
    return query("select * from marts.rpt_kpi_monthly order by month", version)


def publication(version: str) -> dict[str, object]:
    """The publication record of the version (its name and time)."""
    rows = query("select version, published_at from meta.publication", version)
    return rows.row(0, named=True) if rows.height else {}


def has_table(version: str, schema: str, table: str) -> bool:
    """The published version has `schema.table`.

    A page shows a section only once its mart is published, instead of failing on a warehouse
    built before it.
    """
    rows = query(
        "select count(*) as n from duckdb_tables() where schema_name = ? and table_name = ?",
        version,
        (schema, table),
    )
    return bool(rows["n"][0])

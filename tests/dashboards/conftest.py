"""Fixtures of the dashboard tests: the session's built company, pointed at by the environment,
and the browser of the browser tests."""

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from c360.serving import connect_readonly
from c360.settings import Settings
from tests.conftest import settings_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEEDS_CHROMIUM = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="chromium is not installed (make browser installs Debian's package as root)",
)
"""The browser test files' mark: skipped, saying why, where chromium is missing."""


@pytest.fixture
def published(built: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of the integration company (60 customers, refreshed and published once)."""
    return settings_for(built, monkeypatch)


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Streamlit's scan of the installed packages for components, once per test process.

    AppTest scans the metadata of every installed distribution at each run (a server does it once
    at start); the installed packages do not change while the tests run.
    """
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(
            manifest_scanner,
            "scan_component_manifests",
            functools.cache(manifest_scanner.scan_component_manifests),
        )
        yield


@pytest.fixture(autouse=True)
def close_the_dashboards_databases(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close every database the dashboards open in this process, and drop their cached results,
    after each test.

    AppTest runs pages in this process, and DuckDB hands a second open of a file already open in
    the process the same (configuration-locked) database: later tests, here or in other folders,
    must be able to open the published file afresh. Each database the test opened is closed by
    name (with the cursors made from it) rather than left to a garbage collection, which costs
    ~0.3-0.6 s a test in a worker that has imported Dagster and dbt.
    """
    from dashboards import data

    opened: list[duckdb.DuckDBPyConnection] = []

    def recorded(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        connection = connect_readonly(*args, **kwargs)
        opened.append(connection)
        return connection

    monkeypatch.setattr(data, "connect_readonly", recorded)
    yield
    data._database.clear()
    data.query.clear()
    for connection in opened:
        connection.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, driven by Playwright, launched once for the module's tests; each test
    opens its own page or context in it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()

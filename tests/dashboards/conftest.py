"""Fixtures of the dashboard tests: the session's built company, pointed at by the environment,
and the browser of the browser tests."""

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture
def published(built: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of the integration company (60 customers, refreshed and published once)."""
    return settings_for(built, monkeypatch)


@pytest.fixture(autouse=True)
def close_the_dashboards_databases():
    """Drop the dashboards' open databases and cached results after each test.

    AppTest runs pages in this process, and DuckDB hands a second open of a file already open in
    the process the same (configuration-locked) database: later tests, here or in other folders,
    must be able to open the published file afresh.
    """
    yield
    from dashboards.data import _database, query

    _database.clear()
    query.clear()
    gc.collect()


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

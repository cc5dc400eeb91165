"""Fixtures of the dashboard tests: the session's built company, pointed at by the environment."""

import gc
from pathlib import Path

import pytest

from c360.settings import Settings
from tests.conftest import settings_for


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

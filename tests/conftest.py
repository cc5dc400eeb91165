"""Shared fixtures: a c360 data root in a temporary folder, with the environment pointing at it."""

from pathlib import Path

import pytest

from c360.settings import Settings

ENV_KEYS = ("C360_HOME", "C360_BUILD_DB", "C360_RAW_DIR", "C360_REPORTING_CURRENCY", "DAGSTER_HOME")


def settings_for(home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point every c360 path (and dbt, and Dagster) at `home`; restored after the test."""
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("C360_HOME", str(home))
    settings = Settings.from_env()
    for key, value in settings.dbt_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DAGSTER_HOME", str(settings.dagster_home))
    return settings

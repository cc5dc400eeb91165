"""Shared fixtures: a c360 data root in a temporary folder, with the environment pointing at it."""

import datetime as dt
from pathlib import Path

import pytest

from c360.settings import Settings

ENV_KEYS = (
    "C360_HOME",
    "C360_BUILD_DB",
    "C360_RAW_DIR",
    "C360_REPORTING_CURRENCY",
    "C360_IDENTITY_OVERRIDES",
    "DAGSTER_HOME",
)


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


def generate_and_refresh(home: Path, **generation: object) -> Path:
    """Generate a company into `home` (2026-09-01, 4 days), refresh and publish it once."""
    from dagster_project.run_refresh import run_refresh
    from ingestion.generator import generate_company

    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(home, monkeypatch)
        generate_company(
            settings.landing_dir,
            settings.truth_dir,
            start=dt.date(2026, 9, 1),
            days=4,
            **generation,
        )
        summary = run_refresh(settings)
        assert summary.success, summary.failures + summary.checks_failed
    return home


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data root with a clean 60-customer company generated, refreshed and published once.

    Shared by the integration and browser tests (a refresh takes ~15 s); tests that change it
    work on a copy.
    """
    return generate_and_refresh(
        tmp_path_factory.mktemp("c360"), customers=60, seed=7, defects="none"
    )

"""Fixtures of the dashboard tests: the session's built company, pointed at by the environment."""

from pathlib import Path

import pytest

from c360.settings import Settings
from tests.conftest import settings_for


@pytest.fixture
def published(built: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of the integration company (60 customers, refreshed and published once)."""
    return settings_for(built, monkeypatch)

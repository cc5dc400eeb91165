"""The c360 settings as a Dagster resource, so runs and tests can point at any data root."""

from dataclasses import replace
from pathlib import Path

import dagster as dg

from c360.settings import Settings


class C360Resource(dg.ConfigurableResource):
    """Where the data lives; unset fields come from the `C360_*` environment variables."""

    home: str | None = None

    def settings(self) -> Settings:
        """The settings of this run, with `home` overridden when configured."""
        settings = Settings.from_env()
        return replace(settings, home=Path(self.home).resolve()) if self.home else settings

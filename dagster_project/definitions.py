"""The Dagster code location of c360: only assembles what the `defs` modules build."""

import dagster as dg

from c360.settings import Settings
from dagster_project.defs.automation import (
    build_landing_sensor,
    build_outcome_sensors,
    build_schedule,
    refresh_job,
)
from dagster_project.defs.catalogue_asset import CATALOGUE_KEY, build_catalogue_asset
from dagster_project.defs.dbt_assets import build_dbt_assets, public_asset_keys
from dagster_project.defs.ingestion_assets import build_ingestion_assets
from dagster_project.defs.postgres_asset import postgres_public
from dagster_project.defs.publish_asset import build_publish_asset
from dagster_project.defs.reference_rates_asset import ecb_monthly_rates
from dagster_project.defs.resources import C360Resource
from ingestion.sources import load_sources


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """Definitions for the given settings (default: from the environment)."""
    settings = settings or Settings.from_env()
    sources = load_sources(settings.sources_file, settings.contracts_dir)
    dbt_build, dbt_resource = build_dbt_assets(settings.dbt_project_dir)
    public_keys = public_asset_keys(dbt_build)
    return dg.Definitions(
        assets=[
            *build_ingestion_assets(sources),
            ecb_monthly_rates,
            dbt_build,
            build_catalogue_asset(public_keys),
            build_publish_asset([*public_keys, CATALOGUE_KEY]),
            # the PostgreSQL publish target, off unless C360_POSTGRES_URL is set
            *([postgres_public] if settings.postgres_url else []),
        ],
        jobs=[refresh_job],
        schedules=[build_schedule(settings)],
        sensors=[
            build_landing_sensor(sorted(sources), settings.sensor_interval_seconds),
            *build_outcome_sensors(),
        ],
        resources={"c360": C360Resource(home=str(settings.home)), "dbt": dbt_resource},
    )


defs = build_definitions()

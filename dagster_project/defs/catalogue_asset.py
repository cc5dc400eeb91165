"""The metric catalogue and dbt's documentation site, written into the version to be published.

Runs after the build (and its tests) and before publishing, under the refresh lock, so each
version carries the definitions and docs of its own tables (c360.catalogue).
"""

import dagster as dg

from c360.catalogue import write_catalogue
from c360.refresh_lock import refresh_lock
from dagster_project.defs.ingestion_assets import WAREHOUSE_POOL
from dagster_project.defs.resources import C360Resource
from dagster_project.defs.step_failures import failures_named
from dagster_project.docs_inputs import write_docs_inputs

CATALOGUE_KEY = dg.AssetKey(["catalogue", "published"])


def build_catalogue_asset(public_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The asset that writes schema `catalogue` into the build's public file."""

    @dg.asset(
        key=CATALOGUE_KEY,
        deps=public_keys,
        group_name="serving",
        kinds={"duckdb", "dbt"},
        pool=WAREHOUSE_POOL,
        description=(
            "The metric catalogue (MetricFlow's semantic manifest and one row per metric) and "
            "dbt's documentation site, written into the public file the next version copies."
        ),
    )
    def catalogue_published(
        context: dg.AssetExecutionContext, c360: C360Resource
    ) -> dg.MaterializeResult:
        settings = c360.settings()
        with failures_named(context), refresh_lock(settings.refresh_lock):
            relations = write_docs_inputs(settings, settings.dbt_target_dir)
            metrics = write_catalogue(settings.public_db, settings.dbt_target_dir)
        return dg.MaterializeResult(
            metadata={"metrics": metrics, "documented_relations": relations}
        )

    return catalogue_published

"""The metric catalogue and dbt's documentation site, written into the version to be published.

Runs after the build (and its tests) and before publishing, under the refresh lock, so each
version carries the definitions and docs of its own tables (c360.catalogue).
"""

import dagster as dg
from dagster_dbt import DbtCliResource

from c360.catalogue import write_catalogue
from c360.refresh_lock import refresh_lock
from dagster_project.defs.ingestion_assets import WAREHOUSE_POOL
from dagster_project.defs.resources import C360Resource
from dagster_project.defs.step_failures import StepError, failures_named

CATALOGUE_KEY = dg.AssetKey(["catalogue", "published"])
# `--no-compile`: lineage and descriptions come from the parsed manifest; compiling every model
# again would only add the compiled SQL that the page must not carry (c360.catalogue.docs_site).
DOCS_ARGS = ("docs", "generate", "--static", "--no-compile")


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
        context: dg.AssetExecutionContext, c360: C360Resource, dbt: DbtCliResource
    ) -> dg.MaterializeResult:
        settings = c360.settings()
        settings.export_to_environ()
        with failures_named(context), refresh_lock(settings.refresh_lock):
            invocation = dbt.cli(
                list(DOCS_ARGS), target_path=settings.dbt_target_dir, raise_on_error=False
            ).wait()
            if not invocation.is_successful():
                raise StepError("dbt docs generate failed: see the dbt log")
            metrics = write_catalogue(settings.public_db, settings.dbt_target_dir)
        return dg.MaterializeResult(metadata={"metrics": metrics})

    return catalogue_published

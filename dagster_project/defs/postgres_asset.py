"""The PostgreSQL publish target as a step after publishing (on when C360_POSTGRES_URL is set).

A step of its own, not part of publishing: by the time it runs the DuckDB version is published
and stays so. When the load fails the refresh fails with a message that says so and which
version PostgreSQL readers keep (c360.postgres_publish).
"""

import dagster as dg

from c360.postgres_publish import load_current
from c360.refresh_lock import refresh_lock
from dagster_project.defs.ingestion_assets import WAREHOUSE_POOL
from dagster_project.defs.publish_asset import SERVING_KEY
from dagster_project.defs.resources import C360Resource
from dagster_project.defs.step_failures import failures_named

POSTGRES_KEY = dg.AssetKey(["postgres", "public"])


@dg.asset(
    key=POSTGRES_KEY,
    deps=[SERVING_KEY],
    group_name="serving",
    kinds={"postgres"},
    pool=WAREHOUSE_POOL,
)
def postgres_public(context: dg.AssetExecutionContext, c360: C360Resource) -> dg.MaterializeResult:
    """The published version in PostgreSQL, for analysts' own tools (docs/analysts.md).

    Loaded into new schemas, then switched in by a schema swap in one transaction.
    """
    settings = c360.settings()
    with failures_named(context), refresh_lock(settings.refresh_lock):
        loaded = load_current(settings)
    return dg.MaterializeResult(
        metadata={
            "version": loaded.version,
            "tables": loaded.tables,
            "rows": loaded.rows,
            "load_seconds": loaded.load_seconds,
            "swap_seconds": loaded.swap_seconds,
        }
    )

"""Publishing: after the build and its tests pass, readers switch to a new serving version.

Retention (`c360.retention`) runs right after, under the same lock: it may remove versions
that this publication has just replaced for long enough, and landed files loaded long ago.

The materialization also carries the build's fingerprint (`refresh_inputs`), taken under the
lock after the run's own ingestion: what the run's record says it built (`run_outcome`).
"""

import dagster as dg

from c360.publish import publish
from c360.refresh_lock import refresh_lock
from c360.retention import apply_retention
from dagster_project.defs.ingestion_assets import WAREHOUSE_POOL
from dagster_project.defs.resources import C360Resource
from dagster_project.defs.step_failures import failures_named
from dagster_project.refresh_inputs import build_fingerprint

SERVING_KEY = dg.AssetKey(["serving", "current"])
FINGERPRINT_METADATA = "build_fingerprint"


def build_publish_asset(public_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The asset that copies the public schemas into a new read-only version."""

    @dg.asset(
        key=SERVING_KEY,
        deps=public_keys,
        group_name="serving",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description=(
            "The published warehouse readers open (dashboards, `c360 sql`, analysts): the marts "
            "and quality schemas copied into a new DuckDB file, `current` switched atomically."
        ),
    )
    def serving_current(
        context: dg.AssetExecutionContext, c360: C360Resource
    ) -> dg.MaterializeResult:
        settings = c360.settings()
        with failures_named(context), refresh_lock(settings.refresh_lock):
            publication = publish(settings)
            retention = apply_retention(settings)
            fingerprint = build_fingerprint(settings)
        return dg.MaterializeResult(
            metadata={
                "version": publication.version,
                "path": str(publication.path),
                "tables": len(publication.row_counts),
                "row_counts": dg.MetadataValue.json(publication.row_counts),
                "retention_landing_files_removed": len(retention.landing_files),
                "retention_serving_files_removed": len(retention.serving_files),
                FINGERPRINT_METADATA: fingerprint,
            }
        )

    return serving_current

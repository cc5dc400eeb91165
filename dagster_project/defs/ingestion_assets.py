"""Ingestion assets: one step for every source, one asset per entity, keyed like dbt's sources.

Keys equal dbt source keys (`["crm", "accounts"]` is `source('crm', 'accounts')`), so the lineage
from extract to mart joins up with no extra code.

A step is retried only after a transient error (a lock held, a busy file, a full disk:
`step_failures`); any other error fails it at once, naming the file it was on. A retry is safe
because a file is skipped once its load log entry exists, and a file written but not yet logged is
rewritten under the same deterministic name (`<load_id>.parquet`), so a retry can neither lose nor
duplicate rows.
"""

from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import dagster as dg
import polars as pl

from c360.erasure_ledger import read_ledger
from c360.fault_points import INGESTION_AFTER_RAW_WRITE, fault_point
from c360.settings import Settings
from dagster_project.defs.freshness import freshness_results, freshness_specs
from dagster_project.defs.resources import C360Resource
from dagster_project.defs.step_failures import describe, failures_named, is_transient
from ingestion.landing import folders_not_read, landed_files, not_read_messages
from ingestion.load_log import LOADED, FileLoad
from ingestion.raw_store import read_load_log
from ingestion.source_processes import Outcome, ingest_sources
from ingestion.sources import Source

RAW_GROUP = "raw"
LOAD_LOG_KEY = dg.AssetKey(["ingestion", "load_log"])
QUARANTINE_KEY = dg.AssetKey(["ingestion", "quarantine"])
UNMATCHED_METADATA = "files_matching_no_entity"
"""A source's new files no entity's name pattern matches (each one's message), per run."""
WAREHOUSE_POOL = "c360_warehouse"
"""Every step that writes the raw area, the build or the serving folder: one at a time, all runs."""


def _entity_metadata(loads: list[FileLoad]) -> dict[str, int]:
    return {
        "files_handled": len(loads),
        "files_loaded": sum(1 for f in loads if f.status == LOADED),
        "files_not_loaded": sum(1 for f in loads if f.status != LOADED),
        "rows_read": sum(f.rows_read for f in loads),
        "rows_loaded": sum(f.rows_loaded for f in loads),
        "rows_quarantined": sum(f.rows_quarantined for f in loads),
        "rows_erased": sum(f.rows_erased for f in loads),
    }


def _asset_entity(source: Source, load: FileLoad) -> str | None:
    """The entity whose asset reports a file.

    A native file counts once, under the first canonical entity its table feeds (its rows may
    feed several).
    """
    if source.preset is None or load.entity is None:
        return load.entity
    feeds = [m.entity for m in source.preset.mappings_from(load.entity)]
    return feeds[0] if feeds else next(iter(source.contract.entities))


def file_in_progress(source: Source, landing_dir: Path, raw_dir: Path) -> dict[str, str]:
    """The file ingestion was on when it failed: the first landed one the load log lacks.

    Ingestion takes files oldest first and logs each (a preset's, each delivery) before the
    next, so after an error the first landed file without a log entry is the one it raised on.
    """
    logged = set(read_load_log(raw_dir)["source_file"].to_list())
    for landed in landed_files(landing_dir, source.named_by):
        if landed.relative_path not in logged:
            return {"file": landed.relative_path}
    return {}


INGEST_STEP = "ingest"
"""The step that ingests every source (`ingest_sources`: a process each from 128 MB new)."""


def _source_specs(source: Source) -> list[dg.AssetSpec]:
    contract = source.contract
    return [
        dg.AssetSpec(
            key=[contract.source, entity.name],
            group_name=RAW_GROUP,
            description=(
                f"{contract.source.upper()} `{entity.file_pattern}` extracts validated against "
                f"their contract and written as typed Parquet (one file per load)."
                if source.preset is None
                else f"{contract.source.upper()} {entity.name} mapped from the native export "
                f"by preset `{source.preset.name}`, validated against the contract and written "
                f"as typed Parquet (one file per delivery)."
            ),
            kinds={"polars", "parquet"},
        )
        for entity in contract.entities.values()
    ]


def _source_results(
    context: dg.AssetExecutionContext, source: Source, loads: list[FileLoad]
) -> Iterator[dg.MaterializeResult]:
    """One materialisation per entity of the source; files of no entity warned and counted."""
    by_entity: dict[str | None, list[FileLoad]] = defaultdict(list)
    for load in loads:
        by_entity[_asset_entity(source, load)].append(load)
    unmatched = by_entity.get(None, [])
    for load in unmatched:
        context.log.warning(load.message)
    if unmatched:  # logged, not loaded, and of no entity: counted by the run's summary
        context.log_event(
            dg.AssetObservation(
                asset_key=LOAD_LOG_KEY,
                metadata={
                    UNMATCHED_METADATA: dg.MetadataValue.json([u.message for u in unmatched])
                },
            )
        )
    for entity in source.contract.entities:
        yield dg.MaterializeResult(
            asset_key=[source.name, entity], metadata=_entity_metadata(by_entity[entity])
        )


def _raise_first_failure(
    context: dg.AssetExecutionContext,
    settings: Settings,
    failed: list[Source],
    outcomes: dict[str, Outcome],
) -> None:
    """Fail (or retry) the step with the first failed source's error, naming its file.

    A deterministic error goes first, so the step is retried only when every error can pass by
    itself. The other sources' errors are notes on it: the one-line reason names them all.
    """
    failed = sorted(failed, key=lambda s: is_transient(outcomes[s.name]))
    first = outcomes[failed[0].name]
    for other in failed[1:]:
        where = file_in_progress(other, settings.landing_dir, settings.raw_dir)
        first.add_note(": ".join([*where.values(), describe(outcomes[other.name])]))
    with failures_named(
        context, lambda: file_in_progress(failed[0], settings.landing_dir, settings.raw_dir)
    ):
        raise first


def _sources_assets(sources: list[Source]) -> dg.AssetsDefinition:
    specs = [spec for source in sources for spec in _source_specs(source)]

    @dg.multi_asset(name=INGEST_STEP, specs=specs, pool=WAREHOUSE_POOL)
    def _ingest(context: dg.AssetExecutionContext, c360: C360Resource):
        """Load every new extract file of every source; rows that fail go to quarantine.

        From 128 MB of new files in all, the sources are ingested at once, each in a process of
        its own (`C360_INGEST_PROCESSES` at a time); below, here, one after the other. The ones
        that succeeded are reported before a failed one fails the step: their files are loaded
        and logged either way.
        """
        settings = c360.settings()
        with failures_named(context):  # the sources' own errors are in their outcomes
            outcomes = ingest_sources(
                sources,
                settings.landing_dir,
                settings.raw_dir,
                processes=settings.ingest_processes,
                after_raw_write=partial(fault_point, INGESTION_AFTER_RAW_WRITE),
                erased=read_ledger(settings.erasure_dir),
            )
        for source in sources:
            outcome = outcomes[source.name]
            if isinstance(outcome, list):
                yield from _source_results(context, source, outcome)
        failed = [s for s in sources if isinstance(outcomes[s.name], BaseException)]
        if failed:
            _raise_first_failure(context, settings, failed, outcomes)

    return _ingest


def _quality_assets(raw_keys: list[dg.AssetKey], sources: list[str]) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="ingestion_quality",
        specs=[
            dg.AssetSpec(
                key=LOAD_LOG_KEY,
                group_name=RAW_GROUP,
                description=(
                    "One row per landed file: hash, rows read, loaded, quarantined, erased."
                ),
                kinds={"parquet"},
                deps=raw_keys,
            ),
            dg.AssetSpec(
                key=QUARANTINE_KEY,
                group_name=RAW_GROUP,
                description="Rows that failed their contract: file, row number, raw text, reason.",
                kinds={"parquet"},
                deps=raw_keys,
            ),
        ],
        check_specs=[
            dg.AssetCheckSpec(
                name="rows_reconcile",
                asset=LOAD_LOG_KEY,
                blocking=True,
                description=(
                    "For every file: rows read = rows loaded + rows quarantined + rows of "
                    "erased people dropped. Blocking: "
                    "when it fails, nothing downstream is built and readers keep their version."
                ),
            ),
            *freshness_specs(sources, LOAD_LOG_KEY),
        ],
        pool=WAREHOUSE_POOL,
    )
    def ingestion_quality(context: dg.AssetExecutionContext, c360: C360Resource):
        """Summarise the load log, check that no row read was lost and that sources are fresh."""
        settings = c360.settings()
        with failures_named(context):
            log = read_load_log(settings.raw_dir)
        unread, waiting = folders_not_read(settings.landing_dir, sources)
        for message in not_read_messages(Path("landing"), sources, unread, waiting):
            context.log.warning(message)
        unreconciled = log.filter(
            pl.col("rows_read")
            != pl.col("rows_loaded") + pl.col("rows_quarantined") + pl.col("rows_erased")
        )
        yield dg.MaterializeResult(
            asset_key=LOAD_LOG_KEY,
            metadata={
                "files": log.height,
                "files_by_status": dg.MetadataValue.json(
                    {status: n for status, n in log.group_by("status").len().iter_rows()}
                ),
                # Folders of no source: their files are in no load-log row (none was read).
                "unread_landing_folders": dg.MetadataValue.json(unread),
                # Deliveries without their _SUCCESS marker yet: read once they have it.
                "waiting_landing_folders": dg.MetadataValue.json(waiting),
            },
        )
        yield dg.MaterializeResult(
            asset_key=QUARANTINE_KEY,
            metadata={"rows_quarantined": int(log["rows_quarantined"].sum() or 0)},
        )
        yield dg.AssetCheckResult(
            asset_key=LOAD_LOG_KEY,
            check_name="rows_reconcile",
            passed=unreconciled.height == 0,
            metadata={"files_not_reconciled": unreconciled["source_file"].to_list()},
            description=(
                f"{unreconciled.height} file(s) whose rows read differ from rows loaded + "
                f"quarantined + erased: {', '.join(unreconciled['source_file'].to_list()[:5])}"
                if unreconciled.height
                else "every row read was loaded or quarantined"
            ),
        )
        yield from freshness_results(log, sources, LOAD_LOG_KEY, settings.freshness_hours)

    return ingestion_quality


def build_ingestion_assets(sources: dict[str, Source]) -> list[dg.AssetsDefinition]:
    """One multi-asset for every source's entities, plus the load-log summary that depends on it."""
    ingest_assets = _sources_assets(list(sources.values()))
    return [ingest_assets, _quality_assets(list(ingest_assets.keys), sorted(sources))]

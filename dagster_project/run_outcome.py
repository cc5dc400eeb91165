"""What a refresh run did, read back from its events, and recorded for `c360 status`.

Every refresh is recorded here, whatever started it, because two things read the record
(`<C360_HOME>/warehouse/last_refresh.json`): `c360 status`, and the check that makes a refresh
with nothing new do nothing (`refresh_inputs`, which the daily schedule asks too).
- `c360 refresh` executes the job in its own process and records the run when it ends.
- The runs the daemon starts (the schedule, the landing sensor, the UI) are recorded by the
  `refresh_outcome_*` run-status sensors once they end.
Before, only `c360 refresh` wrote the record. After a scheduled run, `c360 status` described an
older refresh, and the next day's schedule found no successful build recorded, so it rebuilt and
published again with nothing new.

The record is built from the run's stored events, not from an in-process result, so both ways
give the same fields. The fingerprint a success records is the one the publishing step took under
the refresh lock, after the run's own ingestion: a sensor records the run after it ended, when a
later run may already have loaded more files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

import dagster as dg

from c360.settings import Settings
from c360.status import read_last_refresh, write_last_refresh
from dagster_project.build_plan import PLAN_REASON_TAG, PLAN_TAG
from dagster_project.defs.ingestion_assets import UNMATCHED_METADATA
from dagster_project.defs.publish_asset import FINGERPRINT_METADATA, SERVING_KEY
from dagster_project.defs.step_failures import failure_reason
from dagster_project.refresh_summary import RefreshSummary

TRIGGER_TAG = "c360/trigger"  # cli | schedule | landing_sensor; none: launched from the UI
# Bookkeeping dagster-dbt attaches to every test result: noise in a one-line reason.
_RUN_METADATA = frozenset({"Execution Duration", "unique_id", "invocation_id", "status"})
_ENDED = {
    dg.DagsterRunStatus.SUCCESS: "succeeded",
    dg.DagsterRunStatus.FAILURE: "failed",
    dg.DagsterRunStatus.CANCELED: "canceled",
}


def _events(
    instance: dg.DagsterInstance, run_id: str, event_type: dg.DagsterEventType
) -> list[dg.DagsterEvent]:
    records = instance.get_records_for_run(run_id, of_type=event_type).records
    return [r.event_log_entry.dagster_event for r in records if r.event_log_entry.dagster_event]


def _reason(evaluation: dg.AssetCheckEvaluation) -> str:
    """The check's own description of the failure, else its failing row count or metadata.

    A dbt test that errored (its query failed, e.g. out of memory) did not check anything: its
    result carries 0 failing rows, which would read as a check that failed on nothing.
    """
    if evaluation.description:
        return evaluation.description
    status = evaluation.metadata.get("status")
    if status is not None and status.value == "error":  # dbt gives it 0 failing rows
        return "errored before it could check anything (the dbt build's failure says why)"
    meta = {k: v.value for k, v in evaluation.metadata.items() if k not in _RUN_METADATA}
    if "dagster_dbt/failed_row_count" in meta:
        rows = meta["dagster_dbt/failed_row_count"]
        return f"{rows} failing row{'' if rows == 1 else 's'}"
    return ", ".join(f"{k}={v}" for k, v in meta.items()) or "failed"


def _add_materializations(summary: RefreshSummary, events: list[dg.DagsterEvent]) -> str | None:
    """Files and rows of the extract entities and the version published; the fingerprint."""
    fingerprint = None
    for event in events:
        materialization = event.materialization
        meta = {k: v.value for k, v in materialization.metadata.items()}
        if "files_handled" in meta:  # an extract entity (see ingestion_assets)
            summary.files_loaded += int(meta["files_loaded"])
            summary.files_not_loaded += int(meta["files_not_loaded"])
            summary.rows_loaded += int(meta["rows_loaded"])
            summary.rows_quarantined += int(meta["rows_quarantined"])
        if materialization.asset_key == SERVING_KEY:
            summary.version = str(meta.get("version"))
            fingerprint = meta.get(FINGERPRINT_METADATA)
    return fingerprint


def _add_checks(summary: RefreshSummary, evaluations: list[dg.DagsterEvent]) -> None:
    for event in evaluations:
        evaluation = event.event_specific_data
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            summary.checks_passed += 1
            continue
        if evaluation.severity == dg.AssetCheckSeverity.WARN:
            summary.checks_warned.append(name)
        else:
            summary.checks_failed.append(name)
        summary.check_reasons[name] = _reason(evaluation)


def _add_unmatched_files(summary: RefreshSummary, observations: list[dg.DagsterEvent]) -> None:
    """New files that matched no entity: not loaded, and said why (ingestion_assets)."""
    for event in observations:
        metadata = event.asset_observation_data.asset_observation.metadata
        if UNMATCHED_METADATA in metadata:
            messages = list(metadata[UNMATCHED_METADATA].value)
            summary.files_not_loaded += len(messages)
            summary.file_warnings += messages


def summarise_run(instance: dg.DagsterInstance, run: dg.DagsterRun) -> tuple[RefreshSummary, Any]:
    """The summary of an ended refresh run from its stored events, and the fingerprint it took.

    `seconds` is the run's own time, from its start to its end event.
    """
    stats = instance.get_run_stats(run.run_id)
    summary = RefreshSummary(
        success=run.status == dg.DagsterRunStatus.SUCCESS,
        seconds=(stats.end_time or 0.0) - (stats.start_time or 0.0),
        run_id=run.run_id,
        build_plan=run.tags.get(PLAN_TAG, ""),
        build_plan_reason=run.tags.get(PLAN_REASON_TAG, ""),
    )
    kind = dg.DagsterEventType
    materializations = _events(instance, run.run_id, kind.ASSET_MATERIALIZATION)
    fingerprint = _add_materializations(summary, materializations)
    _add_checks(summary, _events(instance, run.run_id, kind.ASSET_CHECK_EVALUATION))
    _add_unmatched_files(summary, _events(instance, run.run_id, kind.ASSET_OBSERVATION))
    for event in _events(instance, run.run_id, kind.STEP_FAILURE):
        summary.failures.append(f"step {event.step_key}: {failure_reason(event)}")
    if run.status == dg.DagsterRunStatus.CANCELED:
        summary.failures.append("the run was canceled")
    return summary, fingerprint


def iso_time(timestamp: float | None) -> str | None:
    """A run's start or end time as the status file writes times (UTC, to the second)."""
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="seconds")


def superseded(settings: Settings, ended_at: str) -> bool:
    """Whether the status file already holds a later refresh than one that ended at `ended_at`.

    A sensor records a run some seconds after it ended, and `c360 refresh` may have started or
    finished another in between: its record (running, or later) stays.
    """
    last = read_last_refresh(settings) or {}
    if last.get("state") == "running":
        return True
    recorded = last.get("finished_at") or last.get("started_at")
    return recorded is not None and str(recorded) > ended_at


def record_run(
    settings: Settings,
    instance: dg.DagsterInstance,
    run: dg.DagsterRun,
    *,
    started_at: str | None = None,
    seconds: float | None = None,
) -> RefreshSummary:
    """Write the ended `run`'s record to the status file; returns its summary.

    `c360 refresh` passes its own start and duration (lock and planning included).
    """
    summary, fingerprint = summarise_run(instance, run)
    if seconds is not None:
        summary.seconds = seconds
    stats = instance.get_run_stats(run.run_id)
    write_last_refresh(
        settings,
        {
            "state": _ENDED.get(run.status, "failed"),
            "trigger": run.tags.get(TRIGGER_TAG, "ui"),
            "started_at": started_at or iso_time(stats.start_time),
            "finished_at": iso_time(stats.end_time or dt.datetime.now(dt.UTC).timestamp()),
            "fingerprint": fingerprint if summary.success else None,
            **asdict(summary),
        },
    )
    return summary

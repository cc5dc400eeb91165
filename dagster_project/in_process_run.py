"""The refresh job executed in this process against the data root's Dagster instance.

`run_refresh` imports this module only when there is work: importing Dagster and the project's
definitions is most of what a refresh with nothing new would otherwise cost.
"""

import time

import dagster as dg

from c360.settings import Settings
from dagster_project.build_plan import PLAN_TAG, plan_build, plan_selection
from dagster_project.defs.automation import REFRESH_JOB
from dagster_project.defs.publish_asset import SERVING_KEY
from dagster_project.defs.step_failures import failure_reason
from dagster_project.refresh_summary import RefreshSummary
from ingestion.sources import load_sources

# The command line prints its own summary; Dagster's step-by-step log stays in the run history.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
CLI_TAGS = {"c360/trigger": "cli"}
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def _summarise(result: dg.ExecuteInProcessResult, started: float) -> RefreshSummary:
    summary = RefreshSummary(
        success=result.success, seconds=time.monotonic() - started, run_id=result.run_id
    )
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        meta = {k: v.value for k, v in materialization.metadata.items()}
        if "files_handled" in meta:  # an extract entity (see ingestion_assets)
            summary.files_loaded += int(meta["files_loaded"])
            summary.files_not_loaded += int(meta["files_not_loaded"])
            summary.rows_loaded += int(meta["rows_loaded"])
            summary.rows_quarantined += int(meta["rows_quarantined"])
        if materialization.asset_key == SERVING_KEY:
            summary.version = str(meta.get("version"))
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            summary.checks_passed += 1
            continue
        if evaluation.severity == dg.AssetCheckSeverity.WARN:
            summary.checks_warned.append(name)
        else:
            summary.checks_failed.append(name)
        summary.check_reasons[name] = _reason(evaluation)
    for event in result.get_step_failure_events():
        summary.failures.append(f"step {event.step_key}: {failure_reason(event)}")
    return summary


# Bookkeeping dagster-dbt attaches to every test result: noise in a one-line reason.
_RUN_METADATA = frozenset({"Execution Duration", "unique_id", "invocation_id", "status"})


def _reason(evaluation: dg.AssetCheckEvaluation) -> str:
    """The check's own description of the failure, else its failing row count or metadata."""
    if evaluation.description:
        return evaluation.description
    meta = {k: v.value for k, v in evaluation.metadata.items() if k not in _RUN_METADATA}
    if "dagster_dbt/failed_row_count" in meta:
        return f"{meta['dagster_dbt/failed_row_count']} failing rows"
    return ", ".join(f"{k}={v}" for k, v in meta.items()) or "failed"


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark `c360 refresh` runs left unfinished by a dead process failed; free their slots.

    Call only while holding the refresh lock: then no such run can be alive.
    """
    runs = instance.get_runs(
        filters=dg.RunsFilter(job_name=REFRESH_JOB, statuses=UNFINISHED, tags=CLI_TAGS)
    )
    for run in runs:
        instance.report_run_failed(run, "the process running this refresh died (killed?)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return [run.run_id for run in runs]


def execute_refresh_job(settings: Settings, *, force: bool, started: float) -> RefreshSummary:
    """Plan the build, run the job on the selection, and summarise what it did.

    Every unfinished `c360 refresh` run is failed first: the caller holds the refresh lock, so
    none of them can be alive.
    """
    from dagster_project.definitions import build_definitions

    definitions = build_definitions(settings)
    job = definitions.resolve_job_def(REFRESH_JOB)
    sources = load_sources(settings.sources_file, settings.contracts_dir)
    plan = plan_build(settings, sources, force=force)
    with dg.DagsterInstance.get() as instance:
        fail_dead_runs(instance)
        result = job.execute_in_process(
            run_config=QUIET_LOGS,
            instance=instance,
            raise_on_error=False,
            tags={**CLI_TAGS, PLAN_TAG: plan.tag},
            asset_selection=plan_selection(plan, definitions.resolve_asset_graph()),
        )
    summary = _summarise(result, started)
    summary.build_plan = plan.tag
    summary.build_plan_reason = plan.reason
    return summary

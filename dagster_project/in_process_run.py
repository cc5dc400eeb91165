"""The refresh job executed in this process against the data root's Dagster instance.

`run_refresh` imports this module only when there is work: importing Dagster and the project's
definitions is most of what a refresh with nothing new would otherwise cost.
"""

import time

import dagster as dg

from c360.settings import Settings
from dagster_project.build_plan import plan_build, plan_selection
from dagster_project.defs.automation import REFRESH_JOB
from dagster_project.refresh_summary import RefreshSummary
from dagster_project.run_outcome import TRIGGER_TAG, record_run
from ingestion.sources import load_sources

# The command line prints its own summary; Dagster's step-by-step log stays in the run history.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
CLI_TAGS = {TRIGGER_TAG: "cli"}
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


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


def execute_refresh_job(
    settings: Settings, *, force: bool, started: float, started_at: str
) -> RefreshSummary:
    """Plan the build, run the job on the selection, and record what it did (`run_outcome`).

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
            tags={**CLI_TAGS, **plan.tags},
            asset_selection=plan_selection(plan, definitions.resolve_asset_graph()),
        )
        run = instance.get_run_by_id(result.run_id)
        return record_run(
            settings,
            instance,
            run,
            started_at=started_at,
            seconds=time.monotonic() - started,
        )

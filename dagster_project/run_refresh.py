"""Run the refresh graph without the Dagster UI (for `c360 refresh`, cron users and tests).

The same `Definitions` and job as the UI, executed in this process against the persistent
Dagster instance under the data root, so these runs also show in the UI's run history.

The whole run holds the refresh lock (the steps that write take it again, re-entrantly), so a
run of this kind still marked as started in the instance while we hold the lock belongs to a
process that died (killed, machine lost): it is marked failed and its concurrency pool slots are
freed, otherwise the next run would wait for them forever. What the run did is written to
`<C360_HOME>/warehouse/last_refresh.json` for `c360 status`: first `running` with the pid, then
the outcome, the checks that failed and why, and the version published.
"""

import datetime as dt
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import dagster as dg

from c360.refresh_lock import refresh_lock
from c360.retention import apply_retention
from c360.settings import Settings
from c360.status import read_last_refresh, write_last_refresh
from dagster_project.build_plan import PLAN_TAG, plan_build, plan_selection
from dagster_project.defs.automation import REFRESH_JOB
from dagster_project.defs.publish_asset import SERVING_KEY
from dagster_project.defs.step_failures import failure_reason
from dagster_project.refresh_inputs import build_fingerprint, refresh_work
from ingestion.sources import load_sources

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")
# The command line prints its own summary; Dagster's step-by-step log stays in the run history.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
CLI_TAGS = {"c360/trigger": "cli"}
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


@dataclass
class RefreshSummary:
    """What a refresh did, for the command line and for tests."""

    success: bool
    seconds: float
    files_loaded: int = 0
    files_not_loaded: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    check_reasons: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    version: str | None = None
    run_id: str = ""
    up_to_date: bool = False  # nothing new since the last build: nothing was run or published
    # `full`, or the raw entities whose downstream models were rebuilt (build_plan), and why
    build_plan: str = ""
    build_plan_reason: str = ""


def prepare_dagster_home(settings: Settings) -> Path:
    """Create DAGSTER_HOME under the data root with the project's instance settings."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists():
        shutil.copyfile(DAGSTER_YAML, target)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


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


def _up_to_date(
    settings: Settings, started: float, started_at: str, fingerprint: str
) -> RefreshSummary:
    """Record that nothing was to do: the last build's version stays, retention still applies."""
    version = (read_last_refresh(settings) or {}).get("version")
    apply_retention(settings)
    summary = RefreshSummary(
        success=True, seconds=time.monotonic() - started, version=version, up_to_date=True
    )
    record = {"state": "up to date", "started_at": started_at, "fingerprint": fingerprint}
    write_last_refresh(
        settings,
        {
            **record,
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **asdict(summary),
        },
    )
    return summary


def run_refresh(settings: Settings, *, force: bool = False) -> RefreshSummary:
    """Ingest, build, test and publish; the published version changes only if all of it passes.

    With no new extract file and nothing changed since the last successful build
    (`refresh_inputs`), nothing runs and the summary says `up_to_date`. Otherwise the run
    rebuilds only the models downstream of the raw entities that changed (`build_plan`);
    `force` builds every model.
    """
    settings.export_to_environ()
    prepare_dagster_home(settings)
    from dagster_project.definitions import build_definitions

    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with refresh_lock(settings.refresh_lock):
        work = refresh_work(settings)
        if work.reason is None and not force:
            return _up_to_date(settings, started, started_at, work.fingerprint)
        write_last_refresh(settings, {"state": "running", "started_at": started_at})
        try:
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
        except Exception as exc:  # e.g. the dbt project does not parse: say so in status
            failure = {"success": False, "failures": [f"{type(exc).__name__}: {exc}"]}
            write_last_refresh(settings, {"state": "failed", "started_at": started_at, **failure})
            raise
        summary = _summarise(result, started)
        summary.build_plan = plan.tag
        summary.build_plan_reason = plan.reason
        write_last_refresh(
            settings,
            {
                "state": "succeeded" if summary.success else "failed",
                "started_at": started_at,
                "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "fingerprint": build_fingerprint(settings) if summary.success else None,
                **asdict(summary),
            },
        )
    return summary

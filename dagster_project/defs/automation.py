"""When refreshes run, and how their end is recorded.

A daily schedule and a sensor on the landing folder start the one refresh job; run-status
sensors record how each refresh run the daemon started ended (`run_outcome`).
"""

import json

import dagster as dg

from c360.settings import Settings
from dagster_project.build_plan import plan_build, plan_selection
from dagster_project.defs.resources import C360Resource
from dagster_project.refresh_inputs import refresh_work
from dagster_project.run_outcome import TRIGGER_TAG, iso_time, record_run, superseded
from ingestion.landing import delivery_instant, newest_complete_extracts
from ingestion.sources import load_sources

REFRESH_JOB = "refresh"
# At most this long after a daemon's run ends, `c360 status` shows it (Dagster's default).
OUTCOME_SENSOR_SECONDS = 30

refresh_job = dg.define_asset_job(
    REFRESH_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest new extracts, build and test the warehouse, publish it to readers.",
    tags={"c360/writes-warehouse": "true"},
    # The runs the daemon starts (schedule, sensor, UI) run their steps in the run's process,
    # as `c360 refresh` does: Dagster's default starts a process per step, each importing
    # Dagster and loading the definitions again, and the steps that write the warehouse run one
    # at a time in their pool anyway.
    executor_def=dg.in_process_executor,
)


def planned_request(
    context: dg.ScheduleEvaluationContext | dg.SensorEvaluationContext,
    settings: Settings,
    tags: dict[str, str],
    run_key: str | None = None,
) -> dg.RunRequest:
    """A refresh run that rebuilds only what changed: its asset selection and plan tag."""
    plan = plan_build(settings, load_sources(settings.sources_file, settings.contracts_dir))
    selection = None if plan.full else plan_selection(plan, context.repository_def.asset_graph)
    return dg.RunRequest(run_key=run_key, tags={**tags, **plan.tags}, asset_selection=selection)


def build_schedule(settings: Settings) -> dg.ScheduleDefinition:
    """The daily refresh; time and timezone come from the settings.

    It skips, saying why, when nothing is new since the last build (`refresh_inputs`): a run
    would publish the same figures.
    """

    @dg.schedule(
        name="daily_refresh",
        job=refresh_job,
        cron_schedule=settings.schedule_cron,
        execution_timezone=settings.schedule_timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def daily_refresh(context: dg.ScheduleEvaluationContext, c360: C360Resource):
        work = refresh_work(c360.settings())
        if work.reason is None:
            return dg.SkipReason(
                "nothing new since the last build: no extract file, code or setting"
            )
        return planned_request(context, c360.settings(), {TRIGGER_TAG: "schedule"})

    return daily_refresh


def _is_newer(folder: str, seen: str | None) -> bool:
    """Whether delivery `folder` was taken after the newest one the sensor has seen."""
    instant = delivery_instant(folder)
    before = delivery_instant(seen) if seen else None
    return instant is not None and (before is None or instant > before)


def build_landing_sensor(sources: list[str], interval_seconds: int) -> dg.SensorDefinition:
    """Start a refresh when a complete new delivery folder (a day's or intra-day) lands.

    Evaluated at most every `interval_seconds` (Settings.sensor_interval_seconds).
    """

    @dg.sensor(
        name="landing_sensor",
        job=refresh_job,
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def landing_sensor(context: dg.SensorEvaluationContext, c360: C360Resource):
        newest = newest_complete_extracts(c360.settings().landing_dir, sources)
        seen = json.loads(context.cursor) if context.cursor else {}
        fresh = {s: name for s, name in newest.items() if _is_newer(name, seen.get(s))}
        if not fresh:
            return dg.SkipReason("no new complete extract folder")
        cursor = {**seen, **fresh}
        context.update_cursor(json.dumps(cursor, sort_keys=True))
        return planned_request(
            context,
            c360.settings(),
            {TRIGGER_TAG: "landing_sensor"},
            run_key="landing:" + ",".join(f"{s}={d}" for s, d in sorted(cursor.items())),
        )

    return landing_sensor


def record_ended_run(context: dg.RunStatusSensorContext, settings: Settings) -> dg.SkipReason:
    """Record a refresh run the daemon started, once it ended; `c360 refresh` records its own."""
    run = context.dagster_run
    if run.tags.get(TRIGGER_TAG) == "cli":
        return dg.SkipReason("`c360 refresh` recorded this run itself")
    ended_at = iso_time(context.instance.get_run_stats(run.run_id).end_time) or ""
    if superseded(settings, ended_at):
        return dg.SkipReason("the status file already holds a later refresh")
    summary = record_run(settings, context.instance, run)
    return dg.SkipReason(f"recorded run {run.run_id}: success {summary.success}")


def build_outcome_sensors() -> list[dg.RunStatusSensorDefinition]:
    """One run-status sensor per way a refresh run ends: succeeded, failed, canceled."""
    sensors = []
    for status in (
        dg.DagsterRunStatus.SUCCESS,
        dg.DagsterRunStatus.FAILURE,
        dg.DagsterRunStatus.CANCELED,
    ):

        @dg.run_status_sensor(
            run_status=status,
            name=f"refresh_outcome_{status.value.lower()}",
            monitored_jobs=[refresh_job],
            default_status=dg.DefaultSensorStatus.RUNNING,
            minimum_interval_seconds=OUTCOME_SENSOR_SECONDS,
        )
        def record_outcome(context: dg.RunStatusSensorContext, c360: C360Resource):
            return record_ended_run(context, c360.settings())

        sensors.append(record_outcome)
    return sensors

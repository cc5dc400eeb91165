"""When refreshes run: a daily schedule and a sensor on the landing folder, one job for both."""

import json

import dagster as dg

from c360.settings import Settings
from dagster_project.build_plan import PLAN_TAG, plan_build, plan_selection
from dagster_project.defs.resources import C360Resource
from dagster_project.refresh_inputs import refresh_work
from ingestion.landing import newest_complete_extracts
from ingestion.sources import load_sources

REFRESH_JOB = "refresh"

refresh_job = dg.define_asset_job(
    REFRESH_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest new extracts, build and test the warehouse, publish it to readers.",
    tags={"c360/writes-warehouse": "true"},
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
    return dg.RunRequest(
        run_key=run_key, tags={**tags, PLAN_TAG: plan.tag}, asset_selection=selection
    )


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
        return planned_request(context, c360.settings(), {"c360/trigger": "schedule"})

    return daily_refresh


def build_landing_sensor(sources: list[str]) -> dg.SensorDefinition:
    """Start a refresh when a complete new extract folder lands for any source."""

    @dg.sensor(
        name="landing_sensor",
        job=refresh_job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def landing_sensor(context: dg.SensorEvaluationContext, c360: C360Resource):
        newest = newest_complete_extracts(c360.settings().landing_dir, sources)
        seen = json.loads(context.cursor) if context.cursor else {}
        fresh = {s: d.isoformat() for s, d in newest.items() if d.isoformat() > seen.get(s, "")}
        if not fresh:
            return dg.SkipReason("no new complete extract folder")
        cursor = {**seen, **fresh}
        context.update_cursor(json.dumps(cursor, sort_keys=True))
        return planned_request(
            context,
            c360.settings(),
            {"c360/trigger": "landing_sensor"},
            run_key="landing:" + ",".join(f"{s}={d}" for s, d in sorted(cursor.items())),
        )

    return landing_sensor

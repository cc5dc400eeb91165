"""A refresh run the daemon started (schedule, sensor, UI) is recorded when it ends, as
`c360 refresh` records its own: `c360 status` shows it, and the next schedule tick with nothing
new skips instead of rebuilding and publishing again."""

import os
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from c360.publish import VERSION_PREFIX, VERSION_SUFFIX
from c360.serving import resolve_current
from c360.status import read_last_refresh, render_status, write_last_refresh
from dagster_project.definitions import build_definitions
from dagster_project.defs.resources import C360Resource
from dagster_project.refresh_inputs import build_fingerprint, refresh_work
from dagster_project.run_outcome import TRIGGER_TAG
from dagster_project.run_refresh import run_refresh
from ingestion.landing import MARKER_FILES
from ingestion.raw_store import load_log_dir, read_load_log
from tests.conftest import settings_for

# What a record says about the run itself, whichever process wrote it.
RUN_FIELDS = (
    "state",
    "success",
    "fingerprint",
    "files_loaded",
    "files_not_loaded",
    "rows_loaded",
    "rows_quarantined",
    "checks_passed",
    "checks_failed",
    "checks_warned",
    "check_reasons",
    "failures",
    "version",
    "run_id",
    "build_plan",
    "build_plan_reason",
)


@pytest.fixture
def home(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the session's company: these tests write its refresh record and run tags."""
    copy = tmp_path / "c360"
    shutil.copytree(built, copy, symlinks=True)
    return settings_for(copy, monkeypatch)


def _as_started_by(instance: dg.DagsterInstance, run_id: str, trigger: str) -> dg.DagsterRun:
    """The run as if the daemon had started it: its trigger tag is all that differs."""
    instance.add_run_tags(run_id, {TRIGGER_TAG: trigger})
    return instance.get_run_by_id(run_id)


def _sensor_result(settings, instance: dg.DagsterInstance, run: dg.DagsterRun):
    """What the outcome sensor for the run's status does with it."""
    definitions = build_definitions(settings)
    sensor = definitions.resolve_sensor_def(f"refresh_outcome_{run.status.value.lower()}")
    [end] = instance.all_logs(
        run.run_id, of_type={dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE}
    )
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=end.dagster_event,
        dagster_instance=instance,
        dagster_run=run,
        resources={"c360": C360Resource(home=str(settings.home))},
    )
    return sensor(context)


def _refresh_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    """The data root's successful refresh runs, oldest first.

    The session company may have been refreshed again by tests before the copy (a forced
    refresh loads nothing); its first run is the build that loaded every landed file.
    """
    runs = instance.get_runs(
        filters=dg.RunsFilter(job_name="refresh", statuses=[dg.DagsterRunStatus.SUCCESS])
    )
    return list(reversed(runs))


def test_a_scheduled_run_is_recorded_and_the_next_tick_with_nothing_new_skips(home):
    home.last_refresh.unlink()  # as after a run only the daemon saw
    with dg.DagsterInstance.get() as instance:
        run = _as_started_by(instance, _refresh_runs(instance)[-1].run_id, "schedule")
        assert refresh_work(home).reason == "the last refresh did not succeed"

        result = _sensor_result(home, instance, run)

    record = read_last_refresh(home)
    assert "recorded run" in result.skip_message
    assert (record["state"], record["trigger"], record["run_id"]) == (
        "succeeded",
        "schedule",
        run.run_id,
    )
    assert resolve_current(home).name == f"{VERSION_PREFIX}{record['version']}{VERSION_SUFFIX}"
    assert record["fingerprint"] == build_fingerprint(home)
    assert record["seconds"] > 0

    assert refresh_work(home).reason is None
    schedule = build_definitions(home).resolve_schedule_def("daily_refresh")
    tick = schedule.evaluate_tick(
        dg.build_schedule_context(resources={"c360": C360Resource(home=str(home.home))})
    )
    assert tick.run_requests == []
    assert "nothing new since the last build" in tick.skip_message
    assert "last refresh       SUCCEEDED" in render_status(home)
    assert "(schedule)" in render_status(home)


def test_a_recorded_run_counts_the_files_and_rows_it_loaded(home):
    home.last_refresh.unlink()
    with dg.DagsterInstance.get() as instance:
        run = _as_started_by(instance, _refresh_runs(instance)[0].run_id, "landing_sensor")
        _sensor_result(home, instance, run)

    record = read_last_refresh(home)
    # Independent of the records: the landed files and the load log's rows.
    landed = [
        p for p in home.landing_dir.glob("*/*/*") if p.is_file() and p.name not in MARKER_FILES
    ]
    log = read_load_log(home.raw_dir).filter(pl.col("status") == "loaded")
    assert record["files_loaded"] == len(landed) == log.height
    assert record["rows_loaded"] == log["rows_loaded"].sum() > 0
    assert (record["files_not_loaded"], record["rows_quarantined"]) == (0, 0)  # no defects
    assert record["build_plan"] == "full"
    assert record["checks_passed"] > 100 and record["checks_failed"] == []


def test_runs_of_c360_refresh_and_runs_older_than_the_record_are_left_alone(home):
    with dg.DagsterInstance.get() as instance:
        run = _refresh_runs(instance)[-1]
        assert "recorded this run itself" in _sensor_result(home, instance, run).skip_message

        run = _as_started_by(instance, run.run_id, "landing_sensor")
        later = {"state": "up to date", "finished_at": "2999-01-01T00:00:00+00:00"}
        write_last_refresh(home, later)
        assert "a later refresh" in _sensor_result(home, instance, run).skip_message
        assert read_last_refresh(home)["finished_at"] == later["finished_at"]

        write_last_refresh(home, {"state": "running", "started_at": "2000-01-01T00:00:00+00:00"})
        assert read_last_refresh(home)["pid"] == os.getpid()  # this process: still running
        assert "a later refresh" in _sensor_result(home, instance, run).skip_message
        assert read_last_refresh(home)["state"] == "running"


def test_a_failed_sensor_run_is_recorded_with_the_check_that_stopped_it(home):
    # The blocking reconciliation fails (a row claimed read that no table holds): dbt never runs.
    entry = sorted(load_log_dir(home.raw_dir).glob("erp-invoices-*.parquet"))[0]
    log = pl.read_parquet(entry)
    log.with_columns(pl.col("rows_read") + 1).write_parquet(entry)
    summary = run_refresh(home)
    assert not summary.success
    cli_record = read_last_refresh(home)
    home.last_refresh.unlink()
    with dg.DagsterInstance.get() as instance:
        run = _as_started_by(instance, summary.run_id, "landing_sensor")
        assert run.status == dg.DagsterRunStatus.FAILURE
        _sensor_result(home, instance, run)

    record = read_last_refresh(home)
    assert {k: record[k] for k in RUN_FIELDS} == {k: cli_record[k] for k in RUN_FIELDS}
    assert (record["state"], record["fingerprint"], record["trigger"]) == (
        "failed",
        None,
        "landing_sensor",
    )
    assert record["checks_failed"] == ["ingestion/load_log:rows_reconcile"]
    assert log["source_file"][0] in record["check_reasons"]["ingestion/load_log:rows_reconcile"]
    assert refresh_work(home).reason == "the last refresh did not succeed"
    status = render_status(home)
    assert "last refresh       FAILED" in status and "(landing_sensor)" in status
    assert "nothing was published; readers keep the previously published version" in status

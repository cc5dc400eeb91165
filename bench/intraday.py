"""An intra-day delivery's way to the dashboards, end to end, through the Dagster daemon.

Measured on a data root whose refreshes are up to date (the harness's refresh home, after its
incremental and nothing-new refreshes). An hour's CRM changes land as `crm/<next day>T1000/`:
every 24th record of each CRM file of the last day delivered, again, as the next morning's
10:00 delivery, so the refresh does a delta's work (new rows for staging, every model
downstream of the CRM rebuilt and tested, a new version published). The Dagster daemon runs
the project's definitions with the landing sensor at `C360_SENSOR_INTERVAL_SECONDS`; the
sensor's cursor is first set to the deliveries already refreshed, so this one is all it finds.

The clock starts when `_SUCCESS` is written, right after the sensor has looked (so the sensor's
wait is its longest: one interval), and stops when readers' `current` pointer names a new
version: what a reader of the dashboards would see. The run's creation, start and end come from
the instance, splitting the figure into the sensor's wait, the queue and launch, and the run.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from c360.settings import Settings

SHARE = 24  # an hour of a day's changes
DELIVERY_TIME = "1000"
POLL_S = 0.2
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}
TIMEOUT_S = 1800
MODULE = ("-m", "dagster_project.definitions")
SENSOR = "landing_sensor"
SENSOR_LOOKED = SENSOR  # the daemon logs the sensor's name each time it evaluates it
SCHEDULE = "daily_refresh"


def hour_of_changes(day_folder: Path, target: Path, offset: int = 0) -> int:
    """Every `SHARE`th record from `offset` of each CSV and JSON-lines file of `day_folder`.

    Returns the records written. CSV through the csv module (a quoted value may hold a line
    break), the header kept. Another offset is another hour: files never equal to one already
    loaded, which ingestion would skip as duplicates.
    """
    target.mkdir(parents=True)
    written = 0
    for path in sorted(day_folder.iterdir()):
        if path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as source:
                header, *records = list(csv.reader(source))
            kept = records[offset::SHARE]
            with (target / path.name).open("w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows([header, *kept])
        elif path.suffix == ".jsonl":
            kept = path.read_text(encoding="utf-8").splitlines()[offset::SHARE]
            (target / path.name).write_text("".join(f"{line}\n" for line in kept), "utf-8")
        else:
            continue
        written += len(kept)
    return written


def _beside_python(command: str) -> str:
    return str(Path(sys.executable).with_name(command))


def sensor_command(command: list[str]) -> list[str]:
    """`dagster sensor <command[0]> landing_sensor <command[1:]>` on the project's definitions."""
    verb, *options = command
    return [_beside_python("dagster"), "sensor", verb, SENSOR, *options, *MODULE]


def _environment(settings: Settings, interval_s: int) -> dict[str, str]:
    return {
        **os.environ,
        "C360_HOME": str(settings.home),
        "DAGSTER_HOME": str(settings.dagster_home),
        "C360_SENSOR_INTERVAL_SECONDS": str(interval_s),
    }


def set_sensor_cursor(settings: Settings, environment: dict[str, str]) -> dict[str, str]:
    """Tell the sensor the complete deliveries already refreshed, as its own cursor would."""
    from ingestion.landing import newest_complete_extracts
    from ingestion.sources import load_sources

    sources = sorted(load_sources(settings.sources_file, settings.contracts_dir))
    cursor = newest_complete_extracts(settings.landing_dir, sources)
    # Setting a cursor records the sensor as stopped (its default, running, is then no longer
    # what the instance holds): it is started again.
    for command in (["cursor", "--set", json.dumps(cursor, sort_keys=True)], ["start"]):
        subprocess.run(
            sensor_command(command),
            env=environment,
            check=True,
            capture_output=True,
        )
    return cursor


def stop_schedule(environment: dict[str, str]) -> None:
    """Stop the daily schedule in this data root, so that only the sensor starts a run.

    Its default state is running, and a daemon started after the schedule's time catches up the
    tick it missed: on 2026-12-05 the 06:00 tick fired 22 s into a measurement started at
    06:18, its run took the delivery, and the figure was that run's.
    """
    subprocess.run(
        [_beside_python("dagster"), "schedule", "stop", SCHEDULE, *MODULE],
        env=environment,
        check=True,
        capture_output=True,
    )


def _wait_for_look(log: Path, deadline: float) -> None:
    """Block until the daemon's log says it evaluated the landing sensor."""
    while time.monotonic() < deadline:
        if log.exists() and SENSOR_LOOKED in log.read_text(errors="replace"):
            return
        time.sleep(POLL_S)
    raise RuntimeError(f"the daemon never evaluated the landing sensor (log: {log})")


def _published(settings: Settings) -> str | None:
    pointer = settings.current_pointer
    return pointer.resolve().name if pointer.exists() else None


def sensor_run(since: float) -> dict[str, float | str]:
    """Status and times of the run the landing sensor started after `since` (epoch seconds).

    Raises when another run was created after `since`: a publication seen then may be that
    run's, and the figure would not be the sensor's.
    """
    import dagster as dg

    after = dt.datetime.fromtimestamp(since, dt.UTC)
    with dg.DagsterInstance.get() as instance:  # DAGSTER_HOME: the data root's
        records = instance.get_run_records(filters=dg.RunsFilter(created_after=after))
    others = [r for r in records if r.dagster_run.tags.get("dagster/sensor_name") != SENSOR]
    if others or len(records) != 1:
        raise RuntimeError(
            f"{len(records)} runs were created during the measurement, "
            f"{len(others)} of them not by {SENSOR} "
            f"({', '.join(sorted({str(dict(r.dagster_run.tags)) for r in others}))}): "
            "the figure would not be the sensor's run's"
        )
    [record] = records
    return {
        "status": record.dagster_run.status.value,
        "created": record.create_timestamp.timestamp(),
        "started": record.start_time or 0.0,
        "ended": record.end_time or 0.0,
    }


def measure(interval_s: int) -> dict:
    """Land an hour's CRM changes with the daemon running; seconds until readers see them."""
    from dagster_project.run_refresh import prepare_dagster_home
    from ingestion.landing import delivery_instant, extract_folders

    settings = Settings.from_env()
    prepare_dagster_home(settings)
    environment = _environment(settings, interval_s)
    cursor = set_sensor_cursor(settings, environment)
    stop_schedule(environment)
    folders = extract_folders(settings.landing_dir, "crm")
    # The last day's extract: a day's folder is taken at the day's end (delivery_instant).
    last = [f for _, f in folders if delivery_instant(f.name).time() == dt.time.max][-1]
    day = folders[-1][0] + dt.timedelta(days=1)
    delivery = settings.landing_dir / "crm" / f"{day}T{DELIVERY_TIME}"
    records = hour_of_changes(last, delivery, offset=day.toordinal() % SHARE)
    before = _published(settings)
    log = settings.home / "bench-daemon.log"
    with log.open("w") as output:
        daemon = subprocess.Popen(
            [_beside_python("dagster-daemon"), "run", *MODULE],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its code server and run workers go with it
        )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        _wait_for_look(log, deadline)
        time.sleep(1)  # the look is over: the delivery waits a whole interval for the next
        marked = time.time()
        (delivery / "_SUCCESS").touch()
        while _published(settings) == before:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing published within {TIMEOUT_S} s (log: {log})")
            time.sleep(POLL_S)
        seen = time.time()
        while sensor_run(marked)["status"] not in FINISHED:  # its bookkeeping after publishing
            if time.monotonic() > deadline:
                raise RuntimeError(f"the run did not finish within {TIMEOUT_S} s (log: {log})")
            time.sleep(POLL_S)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=60)
    run = sensor_run(marked)
    return {
        "wall_s": round(seen - marked, 2),
        "sensor_interval_s": interval_s,
        "records": records,
        "delivery": delivery.name,
        "cursor_before": cursor,
        "sensor_and_queue_s": round(float(run["created"]) - marked, 2),
        "launch_s": round(float(run["started"]) - float(run["created"]), 2),
        "run_s": round(float(run["ended"]) - float(run["started"]), 2),
        "run_status": run["status"],
        "published": _published(settings),
    }

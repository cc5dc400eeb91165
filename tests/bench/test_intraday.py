"""The intra-day benchmark: an hour's share of a day's CRM records, and whose run it measures."""

import csv
import json
import time

import dagster as dg
import pytest

from bench.intraday import SENSOR, SHARE, hour_of_changes, sensor_run


def test_an_hour_of_changes_is_every_24th_record_of_each_file(tmp_path):
    day = tmp_path / "2026-10-01"
    day.mkdir()
    rows = [["id", "note"], *([str(i), f"line one\nline two {i}"] for i in range(100))]
    with (day / "opportunities.csv").open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    events = [json.dumps({"activity_id": i}) for i in range(50)]
    (day / "activities.jsonl").write_text("\n".join(events) + "\n", encoding="utf-8")
    (day / "_SUCCESS").touch()

    written = hour_of_changes(day, tmp_path / "2026-10-02T1000")

    with (tmp_path / "2026-10-02T1000" / "opportunities.csv").open(newline="") as delivered:
        header, *records = list(csv.reader(delivered))
    assert header == ["id", "note"]
    assert [r[0] for r in records] == [str(i) for i in range(0, 100, SHARE)]
    assert records[1][1] == f"line one\nline two {SHARE}"  # a quoted line break survives
    lines = (tmp_path / "2026-10-02T1000" / "activities.jsonl").read_text().splitlines()
    assert [json.loads(line)["activity_id"] for line in lines] == list(range(0, 50, SHARE))
    assert written == len(records) + len(lines) == 5 + 3
    # The marker is the delivery's last step, written when it is measured.
    assert not (tmp_path / "2026-10-02T1000" / "_SUCCESS").exists()


@dg.op
def _nothing() -> None:
    pass


@dg.job
def _refresh() -> None:
    _nothing()


def test_the_figure_is_the_sensors_run_and_no_other_run_may_slip_in(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    marked = time.time()
    with dg.DagsterInstance.get() as instance:
        sensor = _refresh.execute_in_process(
            instance=instance, tags={"dagster/sensor_name": SENSOR}
        )
    measured = sensor_run(marked)
    assert measured["status"] == "SUCCESS"
    assert measured["created"] >= marked and measured["ended"] >= measured["started"] > 0
    with dg.DagsterInstance.get() as instance:
        # A daemon started after the schedule's time catches up its missed tick.
        _refresh.execute_in_process(
            instance=instance, tags={"dagster/schedule_name": "daily_refresh"}
        )
    with pytest.raises(RuntimeError, match="2 runs were created during the measurement, 1 of"):
        sensor_run(marked)
    assert sensor.success

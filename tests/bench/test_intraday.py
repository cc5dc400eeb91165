"""The intra-day benchmark's delivery: an hour's share of a day's CRM records, read back whole."""

import csv
import json

from bench.intraday import SHARE, hour_of_changes


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

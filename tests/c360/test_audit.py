"""The audit log: one whole line per action, whoever writes it at the same time, read back as
written; a sign-in recorded once however many sessions it opens."""

import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from c360 import audit
from c360.cli import main
from c360.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"C360_HOME": str(tmp_path)})


def lines(settings: Settings) -> list[dict]:
    return [json.loads(line) for line in settings.audit_log.read_text().splitlines()]


def test_an_entry_says_who_did_what_and_when_in_utc(settings):
    before = dt.datetime.now(dt.UTC)
    audit.record(settings, who="ana@example.com", action="erasure", subject="c-12", files=3)
    (entry,) = lines(settings)
    assert entry["who"] == "ana@example.com"
    assert entry["action"] == "erasure"
    assert (entry["subject"], entry["files"]) == ("c-12", 3)
    at = dt.datetime.fromisoformat(entry["at"])
    assert at.utcoffset() == dt.timedelta(0)
    assert before - dt.timedelta(seconds=1) <= at <= dt.datetime.now(dt.UTC)


def test_the_log_lives_outside_every_folder_a_refresh_writes(settings):
    refreshed = (settings.landing_dir, settings.raw_dir, settings.warehouse_dir)
    assert not any(settings.audit_log.is_relative_to(folder) for folder in refreshed)
    assert not settings.audit_log.is_relative_to(settings.dagster_home)


def test_a_detail_cannot_overwrite_who_or_when(settings):
    with pytest.raises(ValueError, match="cannot be named at"):
        audit.record(settings, who="ana", action="page", at="yesterday")
    assert not settings.audit_log.exists()


WRITER = """
import sys
from c360 import audit
from c360.settings import Settings
settings = Settings.from_env({"C360_HOME": sys.argv[1]})
for i in range(150):
    audit.record(settings, who=sys.argv[2], action="sql", sql="select '" + "x" * 2000 + "'", n=i)
"""


def test_threads_and_processes_writing_at_once_leave_whole_lines(settings):
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(settings.home), f"process-{p}"])
        for p in range(2)
    ]

    def write(name: str) -> None:
        for i in range(150):
            audit.record(settings, who=name, action="sql", sql="select '" + "y" * 2000 + "'", n=i)

    threads = [threading.Thread(target=write, args=(f"thread-{t}",)) for t in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    found = lines(settings)  # every line parses: none was cut or interleaved
    assert len(found) == 5 * 150
    for name in ("process-0", "process-1", "thread-0", "thread-1", "thread-2"):
        assert [e["n"] for e in found if e["who"] == name] == list(range(150))


def test_a_sign_in_is_recorded_once_however_many_sessions_open_it(settings):
    assert audit.record_sign_in(settings, who="bo@example.com", role="finance", sign_in_id="a1")
    assert not audit.record_sign_in(settings, who="bo@example.com", role="finance", sign_in_id="a1")
    assert audit.record_sign_in(settings, who="bo@example.com", role="finance", sign_in_id="b2")
    assert [(e["action"], e["sign_in_id"]) for e in lines(settings)] == [
        ("sign-in", "a1"),
        ("sign-in", "b2"),
    ]


def test_a_role_different_from_the_last_sign_ins_is_recorded_as_a_role_change(settings):
    audit.record_sign_in(settings, who="bo@example.com", role="finance", sign_in_id="a1")
    audit.record_sign_in(settings, who="cy@example.com", role="sales", sign_in_id="c1")
    audit.record_sign_in(settings, who="bo@example.com", role="analyst", sign_in_id="a2")
    audit.record_sign_in(settings, who="bo@example.com", role="analyst", sign_in_id="a3")
    assert [(e["who"], e["action"], e.get("previous_role")) for e in lines(settings)] == [
        ("bo@example.com", "sign-in", None),
        ("cy@example.com", "sign-in", None),
        ("bo@example.com", "sign-in", None),
        ("bo@example.com", "role-change", "finance"),
        ("bo@example.com", "sign-in", None),
    ]
    assert lines(settings)[3]["role"] == "analyst"


def test_entries_are_filtered_by_time_and_person(settings):
    audit.record(settings, who="ana", action="page", page="overview")
    audit.record(settings, who="bo", action="page", page="sql")
    first = dt.datetime.fromisoformat(lines(settings)[0]["at"])
    assert [e["who"] for e in audit.entries(settings, user="bo")] == ["bo"]
    assert len(audit.entries(settings, since=first)) == 2
    assert audit.entries(settings, since=first + dt.timedelta(hours=1)) == []
    assert audit.entries(settings, since=dt.datetime(2000, 1, 1)) == lines(settings)  # naive: UTC


def test_c360_audit_prints_one_line_per_entry_of_the_person_asked_for(
    settings, monkeypatch, capsys
):
    monkeypatch.setenv("C360_HOME", str(settings.home))
    audit.record(settings, who="ana@example.com", action="sql", sql="select 1", rows=1)
    audit.record(settings, who="bo@example.com", action="page", page="overview")
    assert main(["audit", "--user", "ANA@example.com", "--since", "2000-01-01"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.endswith('ana@example.com  sql  sql="select 1" rows=1')


def test_c360_audit_says_when_no_entry_matches_instead_of_printing_nothing(
    settings, monkeypatch, capsys
):
    monkeypatch.setenv("C360_HOME", str(settings.home))
    assert main(["audit"]) == 0
    assert capsys.readouterr() == ("", f"no audit entries in {settings.audit_log}\n")
    audit.record(settings, who="ana@example.com", action="page", page="overview")
    assert main(["audit", "--user", "bo@example.com", "--since", "2000-01-01"]) == 0
    shown = capsys.readouterr()
    assert shown.out == ""
    assert shown.err == (
        f"no audit entries by bo@example.com since 2000-01-01 00:00:00 in {settings.audit_log}\n"
    )

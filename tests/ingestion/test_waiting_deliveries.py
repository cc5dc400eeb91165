"""A delivery folder still being copied is not read: once a source's deliveries end with a
`_SUCCESS` marker, a folder without it waits, whatever starts the refresh (the sensor already
waited; the schedule and `c360 refresh` read every folder before)."""

import datetime as dt

from c360.cli.warehouse import unread_folder_warnings
from c360.settings import Settings
from dagster_project.refresh_inputs import pending_files
from ingestion.landing import (
    is_complete,
    landed_files,
    newest_complete_extracts,
    waiting_deliveries,
    waiting_folders,
)
from ingestion.raw_store import read_load_log

ACCOUNTS = "account_id,name\r\n001000000000001,Acme\r\n"
CUT = "account_id,name\r\n001000000000002,Half-co"  # the copy stopped mid-line


def _marker(land, source: str, day: str) -> None:
    (land.landing / source / day / "_SUCCESS").write_bytes(b"")


def test_without_any_marker_a_source_is_read_as_it_lands(land):
    land.put("crm", "accounts.csv", ACCOUNTS, day="2026-09-01")
    land.put("crm", "accounts.csv", CUT, day="2026-09-02")
    assert waiting_folders(land.landing, "crm") == []
    assert len(landed_files(land.landing, land.contracts["crm"])) == 2


def test_once_deliveries_end_with_the_marker_a_folder_without_it_waits(land):
    land.put("crm", "accounts.csv", ACCOUNTS, day="2026-09-01")
    _marker(land, "crm", "2026-09-01")
    land.put("crm", "accounts.csv", CUT, day="2026-09-02")
    land.put("erp", "customers.csv", "customer_number\r\n", day="2026-09-02")  # no marker at all

    assert waiting_folders(land.landing, "crm") == [land.landing / "crm" / "2026-09-02"]
    assert waiting_deliveries(land.landing, ["crm", "erp"]) == {
        land.landing / "crm" / "2026-09-02": 1
    }
    landed = [f.relative_path for f in landed_files(land.landing, land.contracts["crm"])]
    assert landed == ["crm/2026-09-01/accounts.csv"]

    land.load("crm")
    loaded = read_load_log(land.raw)["source_file"].to_list()
    assert loaded == ["crm/2026-09-01/accounts.csv"]  # the cut file was not read


def test_a_waiting_delivery_is_no_work_for_a_refresh_until_its_marker_lands(land, monkeypatch):
    land.put("crm", "accounts.csv", ACCOUNTS, day="2026-09-01")
    _marker(land, "crm", "2026-09-01")
    land.load("crm")
    land.put("crm", "accounts.csv", CUT, day="2026-09-02")
    monkeypatch.setenv("C360_HOME", str(land.landing.parent))
    settings = Settings.from_env()
    assert settings.landing_dir == land.landing and settings.raw_dir == land.raw

    assert pending_files(settings) == []
    [warning] = unread_folder_warnings(settings)
    assert warning == (
        f"warning: {land.landing}/crm/2026-09-02/ (1 file(s)) is not read yet: it has no "
        "_SUCCESS marker, which this source's deliveries write when they are complete; it is "
        "read once the marker is there"
    )

    _marker(land, "crm", "2026-09-02")
    assert is_complete(land.landing / "crm" / "2026-09-02")
    assert pending_files(settings) == ["crm/2026-09-02/accounts.csv"]
    assert unread_folder_warnings(settings) == []
    land.load("crm")  # read now (and refused for its cut line's missing columns, as any file)
    assert "crm/2026-09-02/accounts.csv" in read_load_log(land.raw)["source_file"].to_list()


def test_a_folder_dated_after_tomorrow_waits_for_its_date_or_a_new_name(land, monkeypatch):
    """`crm/2062-12-08/`, a typo for 2026, was read as the newest extract: the monthly marts
    ran to December 2062. Tomorrow's folder is read (a system a timezone ahead)."""
    today = dt.datetime.now(dt.UTC).date()
    tomorrow, later = (today + dt.timedelta(days=n) for n in (1, 2))
    for day in (today, tomorrow, later, today.replace(year=today.year + 36)):
        land.put("crm", "accounts.csv", ACCOUNTS, day=day.isoformat())
        _marker(land, "crm", day.isoformat())
    typo = land.landing / "crm" / today.replace(year=today.year + 36).isoformat()
    assert waiting_folders(land.landing, "crm") == [land.landing / "crm" / later.isoformat(), typo]
    assert waiting_folders(land.landing, "crm", today=later) == [typo]
    landed = [f.relative_path for f in landed_files(land.landing, land.contracts["crm"])]
    assert landed == [f"crm/{today}/accounts.csv", f"crm/{tomorrow}/accounts.csv"]
    assert newest_complete_extracts(land.landing, ["crm"]) == {"crm": tomorrow.isoformat()}

    monkeypatch.setenv("C360_HOME", str(land.landing.parent))
    warnings = unread_folder_warnings(Settings.from_env())
    assert warnings[0] == (
        f"warning: {land.landing}/crm/{later}/ (1 file(s)) is not read yet: it is dated after "
        "tomorrow, a typo in its name or a wrong clock where it was written? It is read from "
        "the day before its date, or once renamed to the day it was extracted"
    )
    assert len(warnings) == 2

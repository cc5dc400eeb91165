"""Right of access and erasure end to end on a generated company (GDPR articles 15 and 17).

A person is planted in the company's extracts: a CRM contact (UTF-8) whose name has a letter
outside ASCII, their lead, an activity and a case, a line of theirs the contract quarantines, and
a mention in an ERP customer's address (Windows-1252). After a refresh, `c360 subject export`
returns them; `c360 subject erase` removes them; then every file under `C360_HOME` is searched
by this test's own scan (raw bytes in UTF-8, Windows-1252 and UTF-16, gzip content, every
Parquet value, every DuckDB table's rows). A later extract still carrying them is delivered and
refreshed: they stay out, counted in the load log, and revenue per month is what it was.
"""

import datetime as dt
import gzip
import json
import os
import zipfile
from pathlib import Path
from types import SimpleNamespace

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from c360 import cli, subject_erase
from dagster_project.run_refresh import run_refresh
from ingestion.raw_store import read_load_log
from tests.conftest import generate_and_refresh, settings_for

NAME, EMAIL, PHONE = (
    "Zoë Quiggleworth",
    "zoe.quiggleworth@erasure-test.example",
    "+33 6 99 88 77 66",
)
CONTACT_ID = "003999999999999"
FIRST_DAY = "2026-09-01"
CONTACT_HEADER = (
    "contact_id,account_id,first_name,last_name,email,phone,title,country,email_opt_out,"
    "created_at,last_modified_at,is_deleted"
)


def _contact(contact_id: str, account: str, first: str, last: str, email: str, phone: str) -> str:
    stamp = "2020-01-02T09:00:00Z"  # the account's earliest contact: its main contact
    return (
        f"{contact_id},{account},{first},{last},{email},{phone},CFO,FR,false,{stamp},{stamp},false"
    )


def _append(path: Path, line: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    path.write_text(text + ("" if text.endswith("\n") else "\n") + line + "\n", encoding=encoding)


def _first_account(landing: Path) -> str:
    """The account of the first contact delivered (the person joins it)."""
    contacts = landing / "crm" / FIRST_DAY / "contacts.csv"
    return contacts.read_text(encoding="utf-8").splitlines()[1].split(",")[1]


def _plant(landing: Path) -> None:
    """Put the person into the first day's extracts."""
    crm, erp = landing / "crm" / FIRST_DAY, landing / "erp" / FIRST_DAY
    account = _first_account(landing)
    first, last = NAME.split()
    _append(crm / "contacts.csv", _contact(CONTACT_ID, account, first, last, EMAIL, PHONE))
    # The same person again, with a date the contract refuses: quarantined with its raw line.
    broken = _contact("003999999999998", account, first, last, EMAIL, PHONE)
    _append(crm / "contacts.csv", broken.replace("2020-01-02T09:00:00Z", "not-a-date", 1))
    _append(
        crm / "leads.csv",
        f"00Q999999999999,Acme,{first},{last},{EMAIL},Web,Open,,2020-01-01T09:00:00Z,,,",
    )
    # Leads delivered in UTF-16, gzip-compressed: read, exported and erased inside the archive.
    leads = "\ufeff" + (crm / "leads.csv").read_text(encoding="utf-8")
    (crm / "leads.csv.gz").write_bytes(gzip.compress(leads.encode("utf-16-le")))
    (crm / "leads.csv").unlink()
    activity = {
        "activity_id": "00T999999999999",
        "account_id": account,
        "contact_id": CONTACT_ID,
        "type": "Call",
        "subject": f"Call with {NAME}",
        "activity_at": "2026-08-30T10:00:00Z",
    }
    _append(crm / "activities.jsonl", json.dumps(activity, ensure_ascii=False))
    customers = (erp / "customers.csv").read_text(encoding="cp1252").split("\n")
    fields = customers[1].split(";")
    fields[4] = f"c/o {NAME}, {fields[4]}"
    customers[1] = ";".join(fields)
    (erp / "customers.csv").write_bytes("\n".join(customers).encode("cp1252"))


ZIPPED_DAYS = ("2026-09-06", "2026-09-07")  # delivered before the export, and before the erasure
OTHER_ACTIVITY = "00T999999999990"


def _deliver_zipped_activities(landing: Path, day: str) -> None:
    """A delivery not refreshed yet: activities in a zip archive, one of them the person's."""
    account = _first_account(landing)
    lines = [
        {
            "activity_id": "00T999999999991",
            "account_id": account,
            "contact_id": CONTACT_ID,
            "type": "Email",
            "subject": f"Quote for {NAME}",
            "activity_at": "2026-09-05T10:00:00Z",
        },
        {
            "activity_id": OTHER_ACTIVITY,
            "account_id": account,
            "contact_id": "003000000000001",
            "type": "Call",
            "subject": "Renewal",
            "activity_at": "2026-09-05T11:00:00Z",
        },
    ]
    folder = landing / "crm" / day
    folder.mkdir()
    with zipfile.ZipFile(folder / "export.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        archive.writestr("activities.jsonl", text)
    (folder / "_SUCCESS").touch()


NEEDLES = [NAME, EMAIL, EMAIL.upper(), PHONE]
ENCODINGS = ("utf-8", "cp1252", "utf-16-le", "utf-16-be")
ROW_HITS = " or ".join("contains(lower(cast(scanned_row as varchar)), ?)" for _ in NEEDLES)


def _hits(text: str) -> bool:
    return any(n.lower() in text.lower() for n in NEEDLES)


def _traces(home: Path) -> list[str]:
    """This test's own search of every file under `home` (independent of the erasure's)."""
    found = []
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if any(n.encode(e) in data for n in NEEDLES for e in ENCODINGS):
            found.append(f"{path}: bytes")
        if data[:2] == b"\x1f\x8b" and _hits(gzip.decompress(data).decode("utf-8", "replace")):
            found.append(f"{path}: gzip")
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(path) as archive:
                inside = b"".join(archive.read(name) for name in archive.namelist())
            if _hits(inside.decode("utf-8", "replace")):
                found.append(f"{path}: zip")
        if data[:4] == b"PAR1" and _hits(repr(pq.read_table(path).to_pylist())):
            found.append(f"{path}: parquet")
        if data[8:12] == b"DUCK":
            con = duckdb.connect(str(path), read_only=True)
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() where not internal"
            ).fetchall()
            for schema, table in tables:
                # Each row as text, searched in DuckDB (fetching every row into Python took a
                # third of this scan's CPU).
                [(rows,)] = con.execute(
                    f'select count(*) from "{schema}"."{table}" as scanned_row where {ROW_HITS}',
                    [needle.lower() for needle in NEEDLES],
                ).fetchall()
                if rows:
                    found.append(f"{path}: {schema}.{table}")
            con.close()
    return found


def _revenue(home: Path) -> list[tuple]:
    path = os.path.realpath(home / "warehouse" / "serving" / "current")
    con = duckdb.connect(path, read_only=True)
    columns = [
        c
        for (c,) in con.execute(
            "select column_name from duckdb_columns() where table_name = 'rpt_kpi_monthly' "
            "and column_name like '%revenue%'"
        ).fetchall()
    ]
    rows = con.execute(
        f"select month, {', '.join(columns)} from marts.rpt_kpi_monthly order by month"
    ).fetchall()
    con.close()
    return rows


@pytest.fixture(scope="module")
def erased(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Plant, refresh, export, erase, re-deliver and refresh again, once for the module."""
    home = generate_and_refresh(
        tmp_path_factory.mktemp("subject"),
        edit_landing=_plant,
        customers=60,
        seed=5,
        defects="none",
    )
    state = SimpleNamespace(home=home, traces_before=_traces(home), revenue=_revenue(home))
    _deliver_zipped_activities(home / "landing", ZIPPED_DAYS[0])
    audit: list[dict] = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(home, monkeypatch)
        export_file = home.parent / "export.json"  # outside C360_HOME: it is the person's data
        assert (
            cli.main(["subject", "export", "--email", EMAIL.upper(), "--out", str(export_file)])
            == 0
        )
        state.export = json.loads(export_file.read_text(encoding="utf-8"))
        monkeypatch.setattr(
            subject_erase, "audit_recorder", lambda: lambda s, **entry: audit.append(entry)
        )
        _deliver_zipped_activities(home / "landing", ZIPPED_DAYS[1])
        state.erase_exit = cli.main(["subject", "erase", "--contact-id", CONTACT_ID, "--yes"])
        state.audit = audit
        state.traces_after_erase = _traces(home)
        leads = settings.landing_dir / "crm" / FIRST_DAY / "leads.csv.gz"
        state.leads_after_erase = gzip.decompress(leads.read_bytes()).decode("utf-16").splitlines()
        state.log_after_erase = read_load_log(settings.raw_dir)
        state.zipped_after_erase = [
            (settings.landing_dir / "crm" / day / "export" / "activities.jsonl")
            .read_text(encoding="utf-8")
            .splitlines()
            for day in ZIPPED_DAYS
        ]
        # A later extract that still carries the person, beside someone new.
        day = dt.date.fromisoformat(FIRST_DAY) + dt.timedelta(days=4)
        folder = settings.landing_dir / "crm" / day.isoformat()
        folder.mkdir()
        first, last = NAME.split()
        account = _first_account(settings.landing_dir)
        (folder / "contacts.csv").write_text(
            "\n".join(
                [
                    CONTACT_HEADER,
                    _contact(CONTACT_ID, account, first, last, EMAIL.title(), PHONE),
                    _contact("003999999999990", account, "Anne", "Martin", "anne@x.example", "1"),
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        (folder / "_SUCCESS").touch()
        # Retention 0 days: the refresh deletes every extract it has loaded, this one included.
        monkeypatch.setenv("C360_RETENTION_DAYS", "0")
        summary = run_refresh(settings)
        assert summary.success, summary.failures + summary.checks_failed
        state.redelivered = read_load_log(settings.raw_dir).filter(
            pl.col("source_file") == f"crm/{day.isoformat()}/contacts.csv"
        )
        state.raw_contacts = pl.read_parquet(settings.raw_dir / "crm" / "contacts" / "*.parquet")
        state.landing_left = sorted(p for p in settings.landing_dir.rglob("*") if p.is_file())
        state.serving_left = sorted(p.name for p in settings.serving_dir.glob("*.duckdb"))
        state.current = settings.current_pointer.resolve().name
    state.traces_after_redelivery = _traces(home)
    state.revenue_after = _revenue(home)
    return state


def test_the_planted_person_is_found_everywhere_before_the_erasure(erased):
    places = " ".join(erased.traces_before)
    for where in ("landing/crm", "landing/erp", "raw/crm", "_quality/quarantine", "serving"):
        assert where in places


def test_the_export_holds_their_records_and_where_each_came_from(erased):
    export = erased.export
    # The quarantined line's id is not a contact c360 holds: found by its email, not its id.
    assert export["subject"]["contact_ids"] == [CONTACT_ID]
    assert export["subject"]["names"] == [NAME] and export["subject"]["phones"] == [PHONE]
    landing = {(item["file"].split("/")[-1]) for item in export["landing"]}
    assert {"contacts.csv", "leads.csv.gz", "activities.jsonl", "customers.csv"} <= landing
    zipped = f"landing/crm/{ZIPPED_DAYS[0]}/export/activities.jsonl"  # unpacked from export.zip
    [activity] = [item for item in export["landing"] if item["file"] == zipped]
    assert activity["record"]["activity_id"] == "00T999999999991"
    [lead] = [item for item in export["landing"] if item["file"].endswith("leads.csv.gz")]
    assert lead["record"]["lead_id"] == "00Q999999999999"
    raw_files = " ".join(item["file"] for item in export["raw"])
    assert "raw/crm/contacts/" in raw_files and "raw/_quality/quarantine/" in raw_files
    tables = {row["table"] for row in export["warehouse"]["rows"]}
    assert "marts.dim_customers" in tables


def test_nothing_of_the_person_remains_under_the_data_root_after_the_erasure(erased):
    assert erased.erase_exit == 0
    assert erased.traces_after_erase == []


def test_a_compressed_utf16_extract_keeps_its_form_and_everyone_else_s_records(erased):
    leads = erased.leads_after_erase
    assert leads[0].startswith("lead_id,") and len(leads) > 2
    assert not any("00Q999999999999" in line or _hits(line) for line in leads)


def test_a_zip_archive_not_loaded_yet_is_unpacked_and_erased_in_its_files(erased):
    for [other] in erased.zipped_after_erase:  # unpacked by the export, and by the erasure
        assert json.loads(other)["activity_id"] == OTHER_ACTIVITY


def test_the_load_log_still_reconciles_with_the_rows_erased(erased):
    log = erased.log_after_erase
    assert (
        log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"] + log["rows_erased"]
    ).all()
    contacts = log.filter(pl.col("source_file") == f"crm/{FIRST_DAY}/contacts.csv").row(
        0, named=True
    )
    assert contacts["rows_erased"] == 2  # the loaded contact and the quarantined line
    assert log["rows_erased"].sum() == 4  # and their lead and their activity


def test_a_redelivered_extract_does_not_bring_the_person_back_and_is_counted(erased):
    [entry] = erased.redelivered.to_dicts()
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_erased"]) == (2, 1, 1)
    assert CONTACT_ID not in erased.raw_contacts["contact_id"].to_list()
    assert "003999999999990" in erased.raw_contacts["contact_id"].to_list()
    # The new extract held them as delivered (ingestion never edits a delivery) until the
    # refresh's retention deleted it.
    assert erased.traces_after_redelivery == []


def test_the_refresh_applies_retention_to_extracts_and_replaced_versions(erased):
    assert erased.landing_left == []  # every extract was loaded before the 0-day retention
    assert erased.serving_left == [erased.current]


def test_revenue_per_month_is_unchanged(erased):
    assert erased.revenue_after == erased.revenue


def test_one_audit_entry_per_erasure_without_the_persons_identifiers(erased):
    [entry] = erased.audit
    assert entry["action"] == "subject_erase" and entry["traces_left"] == 0
    assert not _hits(json.dumps(entry, ensure_ascii=False)) and CONTACT_ID not in json.dumps(entry)

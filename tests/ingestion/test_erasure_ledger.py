"""The erasure ledger at ingestion: erased rows are dropped, counted and never stored."""

from pathlib import Path

import polars as pl

from c360.erasure_ledger import CONTACT_ID, EMAIL, read_ledger, record_erasure
from ingestion.contracts import load_contracts
from ingestion.load import ingest_source
from ingestion.raw_store import entity_dir, quarantine_dir, read_load_log

CONTACTS_HEADER = (
    "contact_id,account_id,first_name,last_name,email,phone,title,country,email_opt_out,"
    "created_at,last_modified_at,is_deleted"
)
ERASED = "003000000000009,001000000000001,Zoë,Quiggleworth,Zoe.Q@Example.org,+33 6 99 88 77 66"
KEPT = "003000000000010,001000000000001,Anne,Martin,anne.martin@example.org,+33 1 23 45 67 89"
TAIL = ",CFO,FR,false,2026-08-01T10:00:00Z,2026-08-01T10:00:00Z,false"


def _land(landing: Path, day: str, name: str, lines: list[str]) -> None:
    folder = landing / "crm" / day
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_rows_of_an_erased_email_are_dropped_and_counted_in_the_load_log(tmp_path):
    landing, raw, ledger = tmp_path / "landing", tmp_path / "raw", tmp_path / "erasure"
    record_erasure(ledger, [(EMAIL, "zoe.q@example.org")])  # the ledger ignores case
    _land(landing, "2026-09-02", "contacts.csv", [CONTACTS_HEADER, ERASED + TAIL, KEPT + TAIL])
    contract = load_contracts()["crm"]

    [result] = ingest_source(contract, landing, raw, erased=read_ledger(ledger))

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 0)
    assert result.rows_erased == 1
    rows = pl.read_parquet(entity_dir(raw, contract.entities["contacts"]) / "*.parquet")
    assert rows["contact_id"].to_list() == ["003000000000010"]
    log = read_load_log(raw)
    assert log["rows_erased"].to_list() == [1]
    assert (log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"] + 1).all()


def test_activities_of_an_erased_contact_id_are_dropped(tmp_path):
    landing, raw, ledger = tmp_path / "landing", tmp_path / "raw", tmp_path / "erasure"
    record_erasure(ledger, [(CONTACT_ID, "003000000000009")])
    activity = (
        '{{"activity_id": "{}", "account_id": "001000000000001", "contact_id": "{}", '
        '"type": "Call", "subject": "Call", "activity_at": "2026-09-01T10:00:00Z"}}'
    )
    lines = [activity.format("00T1", "003000000000009"), activity.format("00T2", "003000000000010")]
    _land(landing, "2026-09-02", "activities.jsonl", lines)

    [result] = ingest_source(load_contracts()["crm"], landing, raw, erased=read_ledger(ledger))

    assert (result.rows_read, result.rows_loaded, result.rows_erased) == (2, 1, 1)


def test_an_unreadable_line_carrying_an_erased_email_never_reaches_the_quarantine(tmp_path):
    landing, raw, ledger = tmp_path / "landing", tmp_path / "raw", tmp_path / "erasure"
    record_erasure(ledger, [(EMAIL, "zoe.q@example.org")])
    broken = "003000000000009,001000000000001,Zoë,Quiggleworth,zoe.q@example.org"  # fields cut
    _land(landing, "2026-09-02", "contacts.csv", [CONTACTS_HEADER, broken, KEPT + TAIL])

    [result] = ingest_source(load_contracts()["crm"], landing, raw, erased=read_ledger(ledger))

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 0)
    assert result.rows_erased == 1
    assert not list(quarantine_dir(raw).glob("crm-*.parquet"))


def test_the_ledger_keeps_salted_hashes_only_and_one_salt_per_installation(tmp_path):
    ledger = tmp_path / "erasure"
    record_erasure(ledger, [(EMAIL, "zoe.q@example.org"), (CONTACT_ID, "003000000000009")])
    salt = (ledger / "salt").read_text()
    record_erasure(ledger, [(EMAIL, "other@example.org")])

    assert (ledger / "salt").read_text() == salt
    text = (ledger / "ledger.jsonl").read_text()
    assert "zoe" not in text.lower() and "003000000000009" not in text
    assert len(read_ledger(ledger).hashes) == 3
    # Another installation (another salt) gives other hashes for the same email.
    other = tmp_path / "other"
    record_erasure(other, [(EMAIL, "zoe.q@example.org")])
    assert read_ledger(other).hashes.isdisjoint(read_ledger(ledger).hashes)

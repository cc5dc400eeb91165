"""Erasure file by file: extracts keep their encoding; DuckDB and SQLite keep no freed bytes."""

import gzip
import json
import sqlite3
from pathlib import Path

import duckdb
import polars as pl
import pytest

from c360.subject import Subject
from c360.subject_duckdb import scrub_duckdb
from c360.subject_files import scrub_file
from c360.subject_landing import rewrite_text_extract
from c360.subject_parquet import scrub_parquet

PERSON = Subject(
    contact_ids=frozenset({"003000000000009"}),
    emails=frozenset({"zoe.q@example.org"}),
    phones=frozenset({"+33 6 99 88 77 66"}),
    names=frozenset({"Zoë Quiggleworth"}),
)
CONTACTS_HEADER = (
    "contact_id,account_id,first_name,last_name,email,phone,title,country,email_opt_out,"
    "created_at,last_modified_at,is_deleted"
)
CONTACT_TAIL = ",FR,false,2026-08-01T10:00:00Z,2026-08-01T10:00:00Z,false"
CUSTOMERS_HEADER = (
    "customer_number;legal_name;trading_name;vat_number;address;postal_code;city;country_code;"
    "currency;payment_terms_days;credit_limit;segment;created_on;updated_on;is_blocked"
)


def _in_any_encoding(data: bytes, text: str) -> bool:
    return any(text.encode(e) in data for e in ("utf-8", "cp1252", "utf-16-le", "utf-16-be"))


def test_a_cp1252_extract_loses_the_mention_and_keeps_every_other_byte(tmp_path: Path):
    rows = [
        CUSTOMERS_HEADER,
        "C001;Société Générale d'Été;;FR1;c/o Zoë Quiggleworth, 3 rue Œuf;75001;Paris;FR;EUR;30;"
        "1 000,50;SME;01/01/2020;;0",
        "C002;Brasserie Noël;;FR2;1 place du Marché;69001;Lyon;FR;EUR;30;;SME;01/01/2020;;0",
    ]
    path = tmp_path / "customers.csv"
    original = ("\r\n".join(rows) + "\r\n").encode("cp1252")
    path.write_bytes(original)

    removed = rewrite_text_extract(path, PERSON)

    data = path.read_bytes()
    assert removed == 0  # a customer's row mentions the person: it stays, redacted
    assert not _in_any_encoding(data, "Zoë Quiggleworth")
    assert data == original.replace("Zoë Quiggleworth".encode("cp1252"), b"[erased]")


def test_a_contact_record_spanning_two_lines_is_removed_whole(tmp_path: Path):
    lines = [
        CONTACTS_HEADER,
        '003000000000009,001,Zoë,Quiggleworth,ZOE.Q@example.org,+33 6 99 88 77 66,"Head of\nSales"'
        + CONTACT_TAIL,
        "003000000000010,001,Anne,Martin,anne@example.org,+33 1,CFO" + CONTACT_TAIL,
    ]
    path = tmp_path / "contacts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    removed = rewrite_text_extract(path, PERSON)

    assert removed == 1
    assert path.read_text(encoding="utf-8") == "\n".join([CONTACTS_HEADER, lines[2]]) + "\n"


@pytest.mark.parametrize(
    ("name", "codec", "compressed"),
    [("contacts.csv", "utf-16-le", False), ("contacts.csv.gz", "utf-16-be", True)],
)
def test_a_utf16_or_compressed_extract_loses_the_record_and_keeps_its_form(
    tmp_path: Path, name: str, codec: str, compressed: bool
):
    lines = [
        CONTACTS_HEADER,
        "003000000000009,001,Zoë,Quiggleworth,zoe.q@example.org,+33 6 99 88 77 66,CEO"
        + CONTACT_TAIL,
        "003000000000010,001,Anne,Martin,anne@example.org,+33 1,CFO, met Zoë Quiggleworth"
        + CONTACT_TAIL,
    ]
    text = "\r\n".join(lines) + "\r\n"
    data = ("\ufeff" + text).encode(codec)  # the byte-order mark first, as Windows writes it
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if compressed else data)

    removed = rewrite_text_extract(path, PERSON)

    stored = gzip.decompress(path.read_bytes()) if compressed else path.read_bytes()
    assert removed == 1
    assert stored == ("\ufeff" + "\r\n".join([CONTACTS_HEADER, lines[2]]) + "\r\n").encode(
        codec
    ).replace("Zoë Quiggleworth".encode(codec), "[erased]".encode(codec))


def test_a_json_array_loses_the_person_s_elements_and_stays_an_array(tmp_path: Path):
    activities = [
        {"activity_id": "00T1", "contact_id": "003000000000009", "subject": "Demo"},
        {
            "activity_id": "00T2",
            "contact_id": "003000000000010",
            "subject": "Call Zoë Quiggleworth",
        },
        {"activity_id": "00T3", "contact_id": "003000000000010", "subject": "Follow-up"},
    ]
    path = tmp_path / "activities.jsonl"
    path.write_text(json.dumps(activities, indent=4), encoding="utf-8")

    removed = rewrite_text_extract(path, PERSON)

    assert removed == 1
    assert json.loads(path.read_text(encoding="utf-8")) == [
        {"activity_id": "00T2", "contact_id": "003000000000010", "subject": "Call [erased]"},
        activities[2],
    ]


def test_a_name_written_with_json_escapes_is_redacted_too(tmp_path: Path):
    activity = {
        "activity_id": "00T1",
        "account_id": "001",
        "type": "Call",
        "subject": "Call with Zoë Quiggleworth",  # written as Zo\u00eb
        "activity_at": "2026-08-30T10:00:00Z",
    }
    path = tmp_path / "activities.jsonl"
    path.write_text(json.dumps(activity) + "\n", encoding="ascii")

    rewrite_text_extract(path, PERSON)

    assert json.loads(path.read_text())["subject"] == "Call with [erased]"


def test_a_parquet_file_is_rewritten_without_the_persons_rows(tmp_path: Path):
    path = tmp_path / "contacts.parquet"
    pl.DataFrame(
        {
            "contact_id": ["003000000000009", "003000000000010"],
            "note": ["x", "met Zoë Quiggleworth"],
        }
    ).write_parquet(path, compression="snappy")

    removed = scrub_parquet(path, PERSON, extract=True)

    assert removed is not None and removed.height == 1
    assert pl.read_parquet(path).to_dicts() == [
        {"contact_id": "003000000000010", "note": "met [erased]"}
    ]


def test_a_duckdb_file_keeps_no_freed_block_of_the_person(tmp_path: Path):
    path = tmp_path / "build.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table contacts (contact_id varchar, email varchar, note varchar)")
    con.execute(
        "insert into contacts select '003000000000009', 'zoe.q@example.org', 'Zoë Quiggleworth'"
    )
    con.execute(
        "insert into contacts select 'x' || i, 'p' || i || '@example.org', 'n' "
        "from range(1000) t(i)"
    )
    con.execute("checkpoint")
    # A plain DELETE leaves the bytes in the file: that is why the erasure rewrites it.
    con.execute("delete from contacts where contact_id = '003000000000009'")
    con.execute("checkpoint")
    con.close()
    assert b"zoe.q@example.org" in path.read_bytes()
    con = duckdb.connect(str(path))
    con.execute("insert into contacts select '003000000000009', 'zoe.q@example.org', 'again'")
    con.close()

    edit = scrub_duckdb(path, PERSON)

    assert edit.rows_removed == {'"main"."contacts"': 1}
    assert b"zoe.q@example.org" not in path.read_bytes()
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*) from contacts").fetchall() == [(1000,)]
    con.close()


def test_a_sqlite_store_is_redacted_and_vacuumed(tmp_path: Path):
    path = tmp_path / "runs.db"
    con = sqlite3.connect(path)
    con.execute("create table event_logs (id integer primary key, event text)")
    con.executemany(
        "insert into event_logs (event) values (?)",
        [("quarantined row: zoe.q@example.org",), *[("x" * 200,)] * 200],
    )
    con.commit()
    con.close()

    assert scrub_file(path, PERSON) == "redacted"

    assert not _in_any_encoding(path.read_bytes(), "zoe.q@example.org")
    con = sqlite3.connect(path)
    assert con.execute("select event from event_logs where id = 1").fetchall() == [
        ("quarantined row: [erased]",)
    ]
    con.close()

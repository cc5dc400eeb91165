"""Ingestion of hand-written extract files: typing, quarantine, rejection, idempotence."""

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ingestion.contracts import load_contracts
from ingestion.load import ingest_source
from ingestion.load_log import DUPLICATE, LOADED, REJECTED, UNKNOWN, FileLoad
from ingestion.raw_store import entity_dir, quarantine_dir, read_load_log
from ingestion.sources import Source, ingest

INVOICE_LINES_HEADER = (
    "invoice_number;line_number;sku;project_id;quantity;unit_price;net_amount;tax_amount"
)


@pytest.fixture
def contracts():
    return load_contracts()


def land(landing: Path, source: str, day: str, name: str, content: str | bytes, encoding="cp1252"):
    folder = landing / source / day
    folder.mkdir(parents=True, exist_ok=True)
    data = content if isinstance(content, bytes) else content.encode(encoding)
    (folder / name).parent.mkdir(parents=True, exist_ok=True)  # `name` may hold subfolders
    (folder / name).write_bytes(data)
    return folder / name


def load_one(tmp_path: Path, contracts, source: str, name: str, content: str) -> FileLoad:
    """Land one file in a day's delivery and ingest its source; what happened to the file."""
    land(tmp_path / "landing", source, "2026-09-02", name, content)
    [result] = ingest_source(contracts[source], tmp_path / "landing", tmp_path / "raw")
    return result


def raw_rows(raw: Path, contract, entity: str) -> pl.DataFrame:
    return pl.read_parquet(entity_dir(raw, contract.entities[entity]) / "*.parquet")


def test_erp_file_in_cp1252_with_decimal_comma_and_french_dates_is_typed(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(
        landing,
        "erp",
        "2026-09-01",
        "customers.csv",
        (
            "customer_number;legal_name;trading_name;vat_number;address;postal_code;city;country_code;"
            "currency;payment_terms_days;credit_limit;segment;created_on;updated_on;is_blocked\n"
            "C1;Société Générale d'Équipement;;FR123;1 rue Œuvre;75001;Paris;FR;EUR;30;12500,50;"
            "SMB;31/01/2024;02/02/2024;0\n"
        ),
    )
    [result] = ingest_source(contracts["erp"], landing, raw)
    assert (result.status, result.rows_loaded, result.rows_quarantined) == (LOADED, 1, 0)
    row = raw_rows(raw, contracts["erp"], "customers").row(0, named=True)
    assert row["legal_name"] == "Société Générale d'Équipement"
    assert row["address"] == "1 rue Œuvre"
    assert row["credit_limit"] == Decimal("12500.50")
    assert row["created_on"] == dt.date(2024, 1, 31)
    assert row["is_blocked"] is False
    assert row["payment_terms_days"] == 30
    assert row["_extract_date"] == dt.date(2026, 9, 1)
    assert row["_source_file"] == "erp/2026-09-01/customers.csv"
    assert row["_row_number"] == 2


def test_bad_rows_are_quarantined_with_file_row_raw_text_and_reason(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(
        landing,
        "erp",
        "2026-09-02",
        "invoice_lines.csv",
        "\n".join(
            [
                INVOICE_LINES_HEADER,
                "F1;1;SKU1;;2;10,50;21,00;4,20",
                "F1;x;SKU1;;2;10,50;21,00;4,20",
                "F2;1;SKU1;;-3;10,50;21,00;4,20",
                "F3;1;SKU1;;2;10,50;;4,20",
                "F4;1;SKU1;;2",
            ]
        ),
    )
    [result] = ingest_source(contracts["erp"], landing, raw)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 1, 4)
    quarantined = pl.read_parquet(quarantine_dir(raw) / "*.parquet").sort("row_number")
    assert quarantined["row_number"].to_list() == [3, 4, 5, 6]
    assert quarantined["source_file"].unique().to_list() == ["erp/2026-09-02/invoice_lines.csv"]
    assert quarantined["raw_line"][0] == "F1;x;SKU1;;2;10,50;21,00;4,20"
    reasons = quarantined["reason"].to_list()
    assert reasons[0] == "line_number: cannot read 'x' as integer"
    assert reasons[1] == "quantity: -3 is below the minimum 0"
    assert reasons[2] == "net_amount: required value missing"
    assert reasons[3].startswith("expected 8 fields, found 5")
    assert "row 3" in result.message


def test_every_row_read_is_loaded_or_quarantined_in_the_load_log(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(
        landing,
        "erp",
        "2026-09-02",
        "invoice_lines.csv",
        "\n".join(
            [INVOICE_LINES_HEADER] + [f"F{i};1;SKU1;;{i - 5};1,00;1,00;0,20" for i in range(10)]
        ),
    )
    ingest_source(contracts["erp"], landing, raw)
    log = read_load_log(raw).row(0, named=True)
    assert log["rows_read"] == 10
    assert log["rows_loaded"] + log["rows_quarantined"] == log["rows_read"]
    assert log["rows_quarantined"] == 5
    assert raw_rows(raw, contracts["erp"], "invoice_lines").height == 5


def test_same_file_landed_twice_is_loaded_once(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    content = "\n".join([INVOICE_LINES_HEADER, "F1;1;SKU1;;2;10,50;21,00;4,20"])
    land(landing, "erp", "2026-09-02", "invoice_lines.csv", content)
    land(landing, "erp", "2026-09-03", "invoice_lines.csv", content)
    results = ingest_source(contracts["erp"], landing, raw)
    assert [r.status for r in results] == [LOADED, DUPLICATE]
    assert raw_rows(raw, contracts["erp"], "invoice_lines").height == 1


def test_rerunning_ingestion_loads_nothing_new(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(
        landing,
        "erp",
        "2026-09-02",
        "invoice_lines.csv",
        "\n".join([INVOICE_LINES_HEADER, "F1;1;SKU1;;2;10,50;21,00;4,20"]),
    )
    assert len(ingest_source(contracts["erp"], landing, raw)) == 1
    assert ingest_source(contracts["erp"], landing, raw) == []
    assert read_load_log(raw).height == 1


def test_file_missing_a_required_column_is_rejected_whole_with_its_name(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(
        landing,
        "erp",
        "2026-09-02",
        "invoice_lines.csv",
        "invoice_number;line_number;sku;quantity\nF1;1;SKU1;2\n",
    )
    land(landing, "erp", "2026-09-02", "fx_rates.csv", "month;currency;rate\n01/09/2026;USD;0,91\n")
    results = {r.entity: r for r in ingest_source(contracts["erp"], landing, raw)}
    rejected = results["invoice_lines"]
    assert rejected.status == REJECTED
    assert "erp/2026-09-02/invoice_lines.csv" in rejected.message
    assert "net_amount" in rejected.message
    assert results["fx_rates"].status == LOADED  # the rest of the load goes on


def test_headers_are_read_without_the_spaces_around_them(tmp_path, contracts):
    header = " user_id , name ,role,team,region,  is_active"
    result = load_one(tmp_path, contracts, "crm", "users.csv", f"{header}\nU1,Ann,AE,A,EU,true\n")
    assert (result.status, result.rows_loaded, result.message) == (LOADED, 1, "")
    assert raw_rows(tmp_path / "raw", contracts["crm"], "users")["is_active"].to_list() == [True]


def test_a_header_in_another_case_is_named_with_how_to_take_it(tmp_path, contracts):
    result = load_one(tmp_path, contracts, "crm", "users.csv", "USER_ID,Name,role\nU1,Ann,AE\n")
    assert (result.status, result.message) == (
        REJECTED,
        "crm/2026-09-02/users.csv: file rejected: missing required column(s): user_id (the header "
        "has 'USER_ID', which differs only in case or punctuation: `header_match: loose` in the "
        "contract's format takes it)",
    )


def test_file_in_the_wrong_encoding_is_rejected_naming_the_byte(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(
        landing,
        "crm",
        "2026-09-02",
        "users.csv",
        b"user_id,name,role,team,region,is_active\nU1,Ren\xe9 Dupont,AE,A,EU,true\n",
    )
    [result] = ingest_source(contracts["crm"], landing, raw)
    assert result.status == REJECTED
    assert "not valid utf-8" in result.message
    assert "0xe9" in result.message


@pytest.mark.parametrize(("codec", "declared"), [("utf-16-le", "utf-8"), ("utf-16-be", "cp1252")])
def test_a_utf16_file_is_read_as_utf16_whatever_the_contract_says(
    tmp_path, contracts, codec, declared
):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    text = "user_id,name,role,team,region,is_active\r\nU1,René Dupont ✓,AE,A,EU,true\r\n"
    land(landing, "crm", "2026-09-02", "users.csv", "\ufeff".encode(codec) + text.encode(codec))
    contract = contracts["crm"]
    entity = contract.entities["users"]
    contract.entities["users"] = replace(entity, format=replace(entity.format, encoding=declared))
    [result] = ingest_source(contract, landing, raw)
    assert (result.status, result.rows_loaded, result.message) == (
        LOADED,
        1,
        f"declared {declared} but the file is UTF-16 (byte-order mark): decoded as UTF-16",
    )
    assert raw_rows(raw, contract, "users")["name"].to_list() == ["René Dupont ✓"]


def test_files_in_a_delivery_s_subfolders_are_read_hidden_ones_left_alone(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    users = "user_id,name,role,team,region,is_active\nU1,Ann,AE,A,EU,true\n"
    land(landing, "crm", "2026-09-02", "Users/users.csv", users)
    land(landing, "crm", "2026-09-02", "Exports/2026/notes.csv", "a\n1\n")
    land(landing, "crm", "2026-09-02", ".partial/users.csv", users.replace("U1", "U2"))
    results = ingest_source(contracts["crm"], landing, raw)
    assert [(r.source_file, r.status) for r in results] == [
        ("crm/2026-09-02/Exports/2026/notes.csv", UNKNOWN),
        ("crm/2026-09-02/Users/users.csv", LOADED),
    ]
    assert raw_rows(raw, contracts["crm"], "users")["user_id"].to_list() == ["U1"]


def test_malformed_json_line_is_quarantined_and_the_rest_loaded(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(
        landing,
        "crm",
        "2026-09-02",
        "activities.jsonl",
        "\n".join(
            [
                '{"activity_id": "A1", "type": "Call", "activity_at": "2026-09-01T10:00:00Z"}',
                '{"activity_id": "A2", "type": "Call", "activity_at": ',
                '{"activity_id": "A3", "type": "Fax", "activity_at": "2026-09-01T11:00:00Z"}',
            ]
        ),
        encoding="utf-8",
    )
    [result] = ingest_source(contracts["crm"], landing, raw)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 1, 2)
    reasons = pl.read_parquet(quarantine_dir(raw) / "*.parquet").sort("row_number")["reason"]
    assert reasons[0].startswith("not a JSON object")
    assert reasons[1] == "type: 'Fax' is not one of Call, Email, Meeting, Demo"


def _loaded_and_as_lines(
    tmp_path: Path, contracts, monkeypatch, chunk_bytes: int | None, records: list, content: str
) -> tuple[FileLoad, FileLoad, Path, Path]:
    """Load `content` as the CRM's activities, and `records` as JSON Lines beside it (the oracle).

    The oracle is read whole; `content` in pieces of `chunk_bytes` when given. Returns the
    oracle's load, the content's, and the raw folders of the content and the oracle.
    """
    from ingestion import readers

    as_lines, lines_raw = tmp_path / "lines", tmp_path / "raw_lines"
    land(as_lines, "crm", "2026-09-02", "activities.jsonl", "\n".join(map(json.dumps, records)))
    [oracle] = ingest_source(contracts["crm"], as_lines, lines_raw)
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(landing, "crm", "2026-09-02", "activities.jsonl", content, "utf-8")
    if chunk_bytes:
        monkeypatch.setattr(readers, "CHUNK_BYTES", chunk_bytes)
    [result] = ingest_source(contracts["crm"], landing, raw)
    return oracle, result, raw, lines_raw


@pytest.mark.parametrize("chunk_bytes", [None, 64])  # whole, and a file past the piece size
def test_a_json_array_is_read_as_its_elements_one_record_each(
    tmp_path, contracts, monkeypatch, chunk_bytes
):
    records = [
        {"activity_id": "A1", "type": "Call", "activity_at": "2026-09-01T10:00:00Z", "n": 1.5},
        "not an object",
        {"activity_id": "A3", "type": "Meeting", "subject": "Q3\nreview", "done": True},
    ]
    records[2]["activity_at"] = "2026-09-01T11:00:00Z"

    oracle, result, raw, lines_raw = _loaded_and_as_lines(
        tmp_path, contracts, monkeypatch, chunk_bytes, records, json.dumps(records, indent=2)
    )

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert result.message == (
        f"one JSON array, not JSON Lines: element n read as record n (3 in all); {oracle.message}"
    )
    loaded = "crm/activities/crm-*.parquet"  # the load's rows (extra columns kept as text)
    rows = pl.read_parquet(raw / loaded).drop("_load_id", "_loaded_at")
    assert_frame_equal(rows, pl.read_parquet(lines_raw / loaded).drop("_load_id", "_loaded_at"))
    assert rows["subject"].to_list() == [None, "Q3\nreview"]


def _spread(records: list) -> str:
    return "\n".join(json.dumps(r, indent=2) for r in records) + "\n"


def _with_commas(records: list) -> str:
    return ",\n".join(map(json.dumps, records)) + "\n"


def _joined(records: list) -> str:
    return "".join(f"\ufeff{json.dumps(r)}\n" for r in records)  # files joined, each with a BOM


@pytest.mark.parametrize(
    ("shape", "note", "chunk_bytes"),
    [
        (
            _spread,
            "JSON objects spread over several lines, not JSON Lines: object n read as "
            "record n (3 in all); ",
            None,
        ),
        (
            _spread,
            "JSON objects spread over several lines, not JSON Lines: object n read as "
            "record n (3 in all); ",
            64,
        ),
        (
            _with_commas,
            "lines end with a comma after the object (an array's elements without "
            "its brackets): read without it; ",
            None,
        ),
        (_joined, "", None),
    ],
    ids=["spread", "spread-in-pieces", "commas", "joined-with-boms"],
)
def test_json_objects_spread_over_lines_or_with_commas_load_as_json_lines_would(
    tmp_path, contracts, monkeypatch, shape, note, chunk_bytes
):
    records = [
        {"activity_id": "A1", "type": "Call", "activity_at": "2026-09-01T10:00:00Z", "n": 1.5},
        {"activity_id": "A2", "type": "Fax", "activity_at": "2026-09-01T10:30:00Z"},
        {"activity_id": "A3", "type": "Meeting", "subject": "Q3\nreview", "done": True},
    ]
    records[2]["activity_at"] = "2026-09-01T11:00:00Z"

    oracle, result, raw, lines_raw = _loaded_and_as_lines(
        tmp_path, contracts, monkeypatch, chunk_bytes, records, shape(records)
    )

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert result.message == note + oracle.message
    loaded = "crm/activities/crm-*.parquet"
    rows = pl.read_parquet(raw / loaded).drop("_load_id", "_loaded_at")
    assert_frame_equal(rows, pl.read_parquet(lines_raw / loaded).drop("_load_id", "_loaded_at"))


def test_a_broken_json_array_is_rejected_saying_where_it_breaks(tmp_path, contracts):
    broken = '[{"activity_id": "A1"},\n{"activ'
    result = load_one(tmp_path, contracts, "crm", "activities.jsonl", broken)
    assert (result.status, result.message) == (
        REJECTED,
        "crm/2026-09-02/activities.jsonl: file rejected: a JSON array (the file starts with '[') "
        "that is not valid JSON: Unterminated string starting at: line 2 column 2 (char 25)",
    )


def test_general_ledger_parquet_is_loaded_with_its_types(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    folder = landing / "erp" / "2026-09-02"
    folder.mkdir(parents=True)
    pl.DataFrame(
        {
            "entry_id": ["G1"],
            "posting_date": [dt.date(2026, 9, 1)],
            "account_code": ["6230"],
            "account_name": ["Advertising"],
            "cost_centre": ["MKT"],
            "amount": [Decimal("1234.56")],
            "currency": ["EUR"],
            "campaign_code": ["CMP1"],
            "customer_number": [None],
            "description": ["Ads"],
        }
    ).write_parquet(folder / "gl_entries.parquet")
    [result] = ingest_source(contracts["erp"], landing, raw)
    assert result.status == LOADED
    row = raw_rows(raw, contracts["erp"], "gl_entries").row(0, named=True)
    assert row["amount"] == Decimal("1234.56")
    assert row["posting_date"] == dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("name", "entity", "mode"),
    [
        ("CUSTOMERS.CSV", "customers", "delta"),
        ("Customers_Full.csv", "customers", "snapshot"),
        ("Invoice_Lines (1).CSV", "invoice_lines", "delta"),
        ("GL_ENTRIES.PARQUET", "gl_entries", "delta"),
    ],
)
def test_a_file_name_matches_its_entity_whatever_its_case(contracts, name, entity, mode):
    from ingestion.landing import match_entity

    matched, matched_mode = match_entity(contracts["erp"], name)
    assert (matched.name, matched_mode) == (entity, mode)


def test_a_file_no_contract_knows_is_logged_not_loaded(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(landing, "erp", "2026-09-02", "warehouses.csv", "code;name\nW1;Lyon\n")
    [result] = ingest_source(contracts["erp"], landing, raw)
    assert result.status == UNKNOWN
    assert result.message.startswith(
        "erp/2026-09-02/warehouses.csv: no contract entity matches this file name (the erp files "
        "are named customers.csv, products.csv,"
    )
    assert read_load_log(raw)["status"].to_list() == [UNKNOWN]


def test_quoted_separators_inside_values_do_not_break_rows(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    land(
        landing,
        "crm",
        "2026-09-02",
        "users.csv",
        'user_id,name,role,team,region,is_active\nU1,"Dupont, René",AE,A,EU,true\n',
        encoding="utf-8",
    )
    [result] = ingest_source(contracts["crm"], landing, raw)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    assert raw_rows(raw, contracts["crm"], "users")["name"][0] == "Dupont, René"


def test_identical_empty_deltas_on_different_days_are_all_loaded(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    for day in ("2026-09-02", "2026-09-03"):
        land(landing, "erp", day, "invoice_lines.csv", INVOICE_LINES_HEADER + "\n")
    results = ingest_source(contracts["erp"], landing, raw)
    assert [(r.status, r.rows_read) for r in results] == [(LOADED, 0), (LOADED, 0)]


def test_intra_day_deliveries_load_in_time_order_and_belong_to_their_day(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    # Landed out of order: the day's extract covers the whole day, after its intra-day ones.
    for folder, line in (
        ("2026-09-02", "F3;1;SKU1;;1;5,00;5,00;1,00"),
        ("2026-09-02T1400", "F2;1;SKU1;;1;4,00;4,00;0,80"),
        ("2026-09-02T0900", "F1;1;SKU1;;1;3,00;3,00;0,60"),
        ("2026-09-01T2330", "F0;1;SKU1;;1;2,00;2,00;0,40"),
    ):
        land(landing, "erp", folder, "invoice_lines.csv", f"{INVOICE_LINES_HEADER}\n{line}")
    results = ingest_source(contracts["erp"], landing, raw)
    assert [r.source_file.split("/")[1] for r in results] == [
        "2026-09-01T2330",
        "2026-09-02T0900",
        "2026-09-02T1400",
        "2026-09-02",
    ]
    assert {r.status for r in results} == {LOADED}
    rows = raw_rows(raw, contracts["erp"], "invoice_lines").sort("invoice_number")
    assert rows["_extract_date"].to_list() == [
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 2),
        dt.date(2026, 9, 2),
        dt.date(2026, 9, 2),
    ]


@pytest.mark.parametrize("folder", ["2026-9-2", "latest", "2026-09-02 1400"])
def test_a_misnamed_folder_s_files_are_rejected_naming_it_and_load_once_renamed(
    tmp_path, contracts, folder
):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    lines = ["F1;1;SKU1;;1;3,00;3,00;0,60", "F1;2;SKU2;;2;4,00;8,00;1,60"]
    land(landing, "erp", folder, "invoice_lines.csv", "\n".join([INVOICE_LINES_HEADER, *lines]))
    (landing / "erp" / folder / "_SUCCESS").touch()
    land(landing, "erp", ".partial", "invoice_lines.csv", INVOICE_LINES_HEADER)  # hidden: not ours
    source = Source(contracts["erp"])

    [result] = ingest(source, landing, raw)

    assert (result.status, result.source_file) == (REJECTED, f"erp/{folder}/invoice_lines.csv")
    assert f"folder {folder!r} is not named as a delivery" in result.message
    assert "YYYY-MM-DD" in result.message
    [entry] = read_load_log(raw).rows(named=True)
    assert (entry["status"], entry["entity"], entry["extract_date"], entry["rows_read"]) == (
        REJECTED,
        "invoice_lines",  # counted with that entity's files in the refresh's summary
        None,
        0,
    )
    assert ingest(source, landing, raw) == []  # logged once

    (landing / "erp" / folder).rename(landing / "erp" / "2026-09-02")
    [loaded] = ingest(source, landing, raw)
    assert (loaded.status, loaded.rows_loaded) == (LOADED, len(lines))
    assert raw_rows(raw, contracts["erp"], "invoice_lines")["sku"].to_list() == ["SKU1", "SKU2"]


def test_a_file_outside_any_delivery_folder_is_rejected_saying_where_to_put_it(tmp_path, contracts):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    content = "\n".join([INVOICE_LINES_HEADER, "F1;1;SKU1;;1;3,00;3,00;0,60"])
    land(landing, "erp", ".", "invoice_lines.csv", content)  # straight into landing/erp/
    land(landing, "erp", "latest", "Lines/invoice_lines.csv", content.replace("F1", "F2"))
    source = Source(contracts["erp"])

    results = ingest(source, landing, raw)

    assert [(r.status, r.source_file) for r in results] == [
        (REJECTED, "erp/invoice_lines.csv"),
        (REJECTED, "erp/latest/Lines/invoice_lines.csv"),
    ]
    assert results[0].message.startswith(
        "erp/invoice_lines.csv: file rejected: it is in no delivery folder: move it into a "
        "folder erp/<date> named YYYY-MM-DD (a day's extract) or YYYY-MM-DDTHHMM"
    )
    assert "folder 'latest' is not named as a delivery" in results[1].message
    assert ingest(source, landing, raw) == []  # logged once


def test_the_load_log_reads_entries_written_before_rows_erased_existed_as_none_erased(tmp_path):
    from ingestion.raw_store import LOAD_LOG_SCHEMA, load_log_dir

    raw = tmp_path / "raw"
    folder = load_log_dir(raw)
    folder.mkdir(parents=True)
    entry = {
        "load_id": "a",
        "source": "crm",
        "entity": "accounts",
        "source_file": "crm/2026-09-01/accounts.csv",
        "extract_date": dt.date(2026, 9, 1),
        "file_hash": "h",
        "file_bytes": 10,
        "rows_read": 3,
        "rows_loaded": 2,
        "rows_quarantined": 1,
        "rows_erased": 1,
        "status": LOADED,
        "message": None,
        "started_at": dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
        "finished_at": dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    }
    older = {k: v for k, v in entry.items() if k != "rows_erased"}
    old_schema = {k: LOAD_LOG_SCHEMA[k] for k in older}
    pl.DataFrame([older | {"load_id": "0"}], schema=old_schema).write_parquet(
        folder / "0-old.parquet"
    )
    pl.DataFrame([entry], schema=LOAD_LOG_SCHEMA).write_parquet(folder / "1-new.parquet")

    log = read_load_log(raw)

    assert log.schema == pl.Schema(LOAD_LOG_SCHEMA)
    assert log.select("load_id", "rows_erased").rows() == [("0", 0), ("a", 1)]

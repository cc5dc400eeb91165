"""Zero bytes (NUL) in a delivery (ingestion/zero_bytes.py): a file that ends in zeros loads the
records before them and says so; a NUL inside a value is removed from free text and quarantines
a code; no loaded value and no quarantined line holds one."""

import csv
import gzip
import io
import json

import polars as pl
import pytest

from ingestion import readers
from ingestion.zero_bytes import SHOWN_AS

PAYMENTS = "payment_id;customer_number;invoice_number;payment_date;amount;currency;method"
ZEROS = 4096


def payments(count: int) -> str:
    return "\n".join(
        [PAYMENTS]
        + [f"P{i};C{i % 7};F{i};01/09/2026;{i},50;EUR;transfer {i}" for i in range(count)]
    )


def oracle(text: str) -> list[tuple[str, str]]:
    """(payment_id, method) of every record, read by Python's csv module."""
    records = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    return [(record[0], record[6]) for record in records]


@pytest.mark.parametrize(
    ("line_break", "pieces", "compressed"),
    [("\n", False, False), ("", False, False), ("\n", True, False), ("", True, True)],
    ids=["line-break", "no-line-break", "in-pieces", "gzip-in-pieces"],
)
def test_a_file_that_ends_in_zero_bytes_loads_every_record_before_them_and_says_so(
    land, monkeypatch, line_break, pieces, compressed
):
    text = payments(300 if pieces else 3) + line_break
    data = text.encode("cp1252") + b"\x00" * ZEROS
    if pieces:
        monkeypatch.setattr(readers, "CHUNK_BYTES", 2_000)
    name = "payments.csv.gz" if compressed else "payments.csv"
    land.put("erp", name, gzip.compress(data) if compressed else data)

    [load] = land.load("erp")

    expected = oracle(text)
    assert (load.status, load.rows_read, load.rows_quarantined) == ("loaded", len(expected), 0)
    assert land.rows("erp", "payments").select("payment_id", "method").rows() == expected
    assert load.message.startswith(
        f"the file ends with {ZEROS:,} zero byte(s) (NUL), as a file not fully written does"
    )
    assert "check that its last record is whole" in load.message


def test_a_zero_byte_is_removed_from_free_text_and_quarantines_a_code(land):
    rows = [
        "P1;C1;F1;01/09/2026;10,00;EUR;card\x00\x00\x00",  # a padded field
        "P2;C1;F1;01/09/2026;11,00;EUR;tr\x00ansfer",
        "P\x003;C1;F1;01/09/2026;12,00;EUR;card",  # the key, a code
        "P4;C1;F1;01/09/2026;13,00;EUR\x00;card",  # a code: the contract's currency
        "P5;C1;F1;01/09/2026;14,00;EUR;card",
    ]
    land.put("erp", "payments.csv", "\n".join([PAYMENTS, *rows]) + "\n")

    [load] = land.load("erp")

    loaded = land.rows("erp", "payments")
    assert loaded.select("payment_id", "method").rows() == [
        ("P1", "card"),
        ("P2", "transfer"),
        ("P4", "card"),
        ("P5", "card"),
    ]
    # The currency is no code: its NUL is removed like any free text's.
    assert loaded["currency"].to_list() == ["EUR"] * 4
    assert load.rows_quarantined == 1
    assert "3 value(s) held zero bytes (NUL), which no text can hold: removed" in load.message
    quarantined = land.quarantine_rows().row(0, named=True)
    assert (quarantined["row_number"], quarantined["reason"]) == (
        4,
        "payment_id: control character in a code",
    )
    assert quarantined["raw_line"] == rows[2].replace("\x00", SHOWN_AS)


def test_a_value_that_was_only_zero_bytes_is_missing(land):
    accounts = land.contracts["crm"].entities["accounts"]
    header = ",".join(accounts.column_names)
    values = {
        "account_id": "001A",
        "name": "\x00\x00",
        "created_at": "2026-01-01T00:00:00Z",
        "last_modified_at": "2026-09-01T00:00:00Z",
    }
    record = ",".join(values.get(name, "") for name in accounts.column_names)
    land.put("crm", "accounts.csv", f"{header}\n{record}\n", encoding="utf-8")

    [load] = land.load("crm")

    assert (load.rows_loaded, load.rows_quarantined) == (0, 1)
    assert land.quarantine() == [(2, "name: required value missing")]


def test_json_lines_and_parquet_values_lose_their_zero_bytes_too(land):
    def activity(i: int, subject: str) -> str:
        return json.dumps(
            {
                "activity_id": f"A{i}",
                "account_id": "001A",
                "type": "Call",
                "subject": subject,
                "activity_at": "2026-09-01T10:00:00Z",
            }
        )

    lines = [activity(1, "call\u0000back"), activity(2, "demo")]
    land.put("crm", "activities.jsonl", "\n".join(lines) + "\n", encoding="utf-8")
    entries = pl.DataFrame(
        {
            "entry_id": ["E1", "E2"],
            "posting_date": ["2026-09-01", "2026-09-01"],
            "account_code": ["4000", "4000"],
            "account_name": ["Rev\x00enue", "Revenue"],
            "amount": ["1.00", "2.00"],
            "currency": ["EUR", "EUR"],
            "description": ["a\x00b", None],
        }
    ).with_columns(pl.col("posting_date").str.to_date())
    buffer = io.BytesIO()
    entries.write_parquet(buffer)
    land.put("erp", "gl_entries.parquet", buffer.getvalue())

    [crm] = land.load("crm")
    [erp] = land.load("erp")

    subjects = land.rows("crm", "activities").select("activity_id", "subject").rows()
    assert subjects == [("A1", "callback"), ("A2", "demo")]
    assert "1 value(s) held zero bytes" in crm.message
    gl = land.rows("erp", "gl_entries").select("entry_id", "account_name", "description").rows()
    assert gl == [("E1", "Revenue", "ab"), ("E2", "Revenue", None)]
    assert "2 value(s) held zero bytes" in erp.message

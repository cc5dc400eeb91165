"""The minimal failing examples the fuzz tests (tests/ingestion/fuzz) found, one test each.

Found against the code before the fix unless said otherwise; each names what failed.
"""

import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.load_log import LOADED, REJECTED

CUSTOMERS = (
    "customer_number;legal_name;trading_name;vat_number;address;postal_code;city;country_code;"
    "currency;payment_terms_days;credit_limit;segment;created_on;updated_on;is_blocked"
)
FX = "month;currency;rate\n01/09/2026;USD;0,92\n"
ACTIVITY = '{"activity_id": "A%d", "type": "Call", "activity_at": "2026-09-01T10:00:00Z"}'


def customer(number: str) -> str:
    return f"{number};Société Générale;;;1 rue A;45000;Orléans;FR;EUR;30;1000,00;SMB;30/03/2024;;0"


def test_a_bare_carriage_return_as_a_whole_csv_is_rejected_not_raised(land):
    # Found: b'a\ra' as accounts.csv; the csv module raised "new-line character seen in unquoted
    # field" out of ingest_source. Now: a file without the contract's header is rejected.
    land.put("crm", "accounts.csv", b"a\ra")
    land.put("crm", "users.csv", "user_id,name,role,team,region,is_active\nU1,Ann,AE,A,EU,true\n")
    results = {r.entity: r for r in land.load("crm")}
    assert results["accounts"].status == REJECTED
    assert "missing required column(s): account_id, name, created_at" in results["accounts"].message
    assert results["users"].status == LOADED


def test_a_carriage_return_before_the_header_is_space_around_its_first_name(land):
    # Found: b'\rcustomer_number;...' (ERP); the csv module raised out of ingest_source. Then
    # the file was rejected for a missing customer_number; headers are now read without the
    # white space around them, this carriage return included.
    land.put("erp", "customers.csv", f"\r{CUSTOMERS}\n{customer('C1')}\n")
    land.put("erp", "fx_rates.csv", FX)
    results = {r.entity: r for r in land.load("erp")}
    assert (results["customers"].status, results["customers"].rows_loaded) == (LOADED, 1)
    assert results["fx_rates"].status == LOADED


def test_a_quote_opening_an_erp_record_quarantines_that_line_only(land):
    # Found: '"C000001;Société…' in customers.csv; Polars' ComputeError ("could not parse") left
    # ingest_source. The value runs to the end of the file: broken quoting, one line lost.
    body = f'{CUSTOMERS}\n"{customer("C1")}\n{customer("C2")}\n{customer("C3")}\n'
    land.put("erp", "customers.csv", body)
    [result] = land.load("erp")
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_quarantined) == (
        LOADED,
        3,
        2,
        1,
    )
    assert land.quarantine() == [
        (2, "broken quoting: a quoted value is not closed before the end of the file")
    ]
    assert land.rows("erp", "customers")["customer_number"].to_list() == ["C2", "C3"]


def test_a_quarantined_record_spanning_lines_keeps_its_physical_lines_as_raw_text(land):
    # Found: the multi-line fallback stored the record's values joined by the separator, not
    # its lines: the quotes and line ends of the file were not in the quarantine.
    record = 'C1;"Société\nGénérale";;;1 rue A;45000;Orléans;FR;EUR;30;1000,00;SMB;31/02/2024;;0'
    land.put("erp", "customers.csv", f"{CUSTOMERS}\n{record}\n{customer('C2')}\n")
    [result] = land.load("erp")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)
    raw = land.quarantine_rows()
    assert raw["raw_line"].to_list() == [record]
    assert raw["row_number"].to_list() == [2]


def test_a_bare_carriage_return_inside_a_json_line_keeps_the_line_numbers(land):
    # Found: a CR inserted into activities.jsonl; str.splitlines split there, so the lines after
    # it were numbered one too far and their raw text was another line's. (A CR between JSON
    # tokens is whitespace: the line is valid.)
    body = (ACTIVITY % 1).replace(", ", ",\r ") + "\nnot json\n" + ACTIVITY % 3 + "\n"
    land.put("crm", "activities.jsonl", body, encoding="utf-8")
    [result] = land.load("crm")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert land.quarantine_rows()["raw_line"].to_list() == ["not json"]
    assert [n for n, _ in land.quarantine()] == [2]


def test_a_parquet_date_beyond_polars_range_rejects_the_file_instead_of_panicking(land):
    # Found (after the first fixes) by flipping bytes of gl_entries.parquet: Polars panics
    # ("out-of-range date") rendering the value as text, and its PanicException is not an
    # Exception, so it left ingest_source.
    folder = land.landing / "erp" / land.day
    folder.mkdir(parents=True)
    table = pa.table({"entry_id": ["E1"], "posting_date": pa.array([2**31 - 1], pa.date32())})
    pq.write_table(table, folder / "gl_entries.parquet")
    (folder / "fx_rates.csv").write_text(FX)
    results = {r.entity: r for r in land.load("erp")}
    assert results["gl_entries"].status == REJECTED
    assert results["gl_entries"].message.endswith(
        "gl_entries.parquet: file rejected: not a readable Parquet file: out-of-range date"
    )
    assert results["fx_rates"].status == LOADED

"""Input that broke or fooled ingestion (issue 25), one case per test: a broken record is a
quarantined record, not a failed file; encoding drift never loads mojibake; values that parse
but cannot be true are quarantined; a file that cannot be read is rejected alone."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import ingestion.file_loader as file_loader
from ingestion import readers
from ingestion.csv_recovery import MAX_RECORD_LINES
from ingestion.generator import generate_company
from ingestion.load import ingest_source
from ingestion.load_log import LOADED, REJECTED, FileLoad

ACCOUNTS = (
    "account_id,name,website,industry,employee_count,annual_revenue,billing_street,billing_city,"
    "billing_postal_code,billing_country,vat_number,phone,owner_id,type,erp_customer_number,"
    "created_at,last_modified_at,is_deleted"
)
CUSTOMERS = (
    "customer_number;legal_name;trading_name;vat_number;address;postal_code;city;country_code;"
    "currency;payment_terms_days;credit_limit;segment;created_on;updated_on;is_blocked"
)
LINES = "invoice_number;line_number;sku;project_id;quantity;unit_price;net_amount;tax_amount"
PAYMENTS = "payment_id;customer_number;invoice_number;payment_date;amount;currency;method"


def account(i: int, name: str = "Acme") -> str:
    return (
        f"001{i:05d},{name},acme.fr,Retail,12,1000.00,1 rue A,Lyon,69001,FR,FR1,+33,U1,Customer,"
        f"C{i},2024-01-01T00:00:00Z,2026-09-01T00:00:00Z,false"
    )


def customer(number: str, name: str, city: str) -> str:
    return f"{number};{name};;;{name} 1 rue;69001;{city};FR;EUR;30;1000,00;SME;01/01/2020;;0"


def outcome(result: FileLoad) -> tuple[str, int, int, int]:
    return result.status, result.rows_read, result.rows_loaded, result.rows_quarantined


def test_an_unbalanced_quote_quarantines_its_line_and_the_rest_of_the_accounts_load(land):
    rows = [account(i) for i in range(1, 7)]
    rows[1] = account(2, name='"Dupont & Fils')  # the quote is never closed
    rows[4] = account(5, name='"Martin, ""Le Grand"" SA"')  # well quoted: stays one value
    land.put("crm", "accounts.csv", "\n".join([ACCOUNTS, *rows]) + "\n", encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 6, 5, 1)
    # read from line 3, the value runs to the next quote (line 6) and text follows it there
    assert land.quarantine() == [(3, "broken quoting: ',' expected after '\"'")]
    loaded = land.rows("crm", "accounts")
    assert loaded["_row_number"].to_list() == [2, 4, 5, 6, 7]
    assert loaded["name"].to_list()[3] == 'Martin, "Le Grand" SA'


def test_the_quarantined_line_keeps_its_raw_text(land):
    broken = account(2, name='"Dupont & Fils')
    land.put("crm", "accounts.csv", f"{ACCOUNTS}\n{account(1)}\n{broken}\n", encoding="utf-8")
    land.load("crm")
    raw = pl.read_parquet(land.raw / "_quality" / "quarantine" / "*.parquet")["raw_line"]
    assert raw.to_list() == [broken]


def test_a_quote_swallowing_more_lines_than_the_bound_is_broken_quoting(land):
    rows = [account(i) for i in range(1, MAX_RECORD_LINES + 10)]
    rows[0] = account(1, name='"Open')
    rows[-1] = account(MAX_RECORD_LINES + 9, name='"Close"')  # would close it, far too late
    land.put("crm", "accounts.csv", "\n".join([ACCOUNTS, *rows]) + "\n", encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, len(rows), len(rows) - 1, 1)
    [(first, reason)] = land.quarantine()
    assert first == 2
    assert land.rows("crm", "accounts")["name"].to_list()[-1] == "Close"
    assert reason == (
        f"broken quoting: a quoted value is not closed within {MAX_RECORD_LINES} lines "
        "or 1,048,576 characters"
    )


def test_a_quoted_value_over_a_few_lines_next_to_a_broken_one_still_loads(land):
    rows = [account(1, name='"Line one\nline two"'), account(2, name='"Broken'), account(3)]
    land.put("crm", "accounts.csv", "\n".join([ACCOUNTS, *rows]) + "\n", encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 3, 2, 1)
    assert [n for n, _ in land.quarantine()] == [4]
    assert land.rows("crm", "accounts")["name"].to_list() == ["Line one\nline two", "Acme"]


def test_a_broken_quote_in_a_later_piece_of_a_large_file_costs_one_line(land, monkeypatch):
    rows = [account(i) for i in range(1, 201)]
    rows[150] = account(151, name='"Broken')
    land.put("crm", "accounts.csv", "\n".join([ACCOUNTS, *rows]) + "\n", encoding="utf-8")
    monkeypatch.setattr(readers, "CHUNK_BYTES", 2000)
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 200, 199, 1)
    assert [n for n, _ in land.quarantine()] == [152]
    assert land.rows("crm", "accounts")["_row_number"].n_unique() == 199


def test_a_repeated_header_line_is_quarantined_as_such(land):
    body = f"{LINES}\nF1;1;S1;;2;10,00;20,00;4,00\n{LINES}\nF2;1;S1;;1;5,00;5,00;1,00\n"
    land.put("erp", "invoice_lines.csv", body)
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 3, 2, 1)
    assert land.quarantine() == [(3, "the header line repeated as a record")]


def test_two_exports_joined_into_one_file_quarantine_the_second_header_as_such(land):
    # `cat a.csv b.csv` of two UTF-8 exports: the second's byte-order mark starts a line.
    part = "\ufeff" + LINES + "\r\nF{0};1;S1;;2;10,00;20,00;4,00\r\n"
    land.put("erp", "invoice_lines.csv", (part.format(1) + part.format(2)).encode("utf-8"))
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 3, 2, 1)
    assert land.quarantine() == [(3, "the header line repeated as a record")]
    assert land.rows("erp", "invoice_lines")["invoice_number"].to_list() == ["F1", "F2"]


def test_a_contract_column_named_twice_with_different_values_rejects_the_file(land):
    # Two "Amount" columns (the document's currency and the company's): which one is meant?
    header = PAYMENTS.replace("amount", "amount;amount")
    land.put("erp", "payments.csv", f"{header}\nP1;C1;F1;01/09/2026;10,00;11,00;EUR;card\n")
    [result] = land.load("erp")
    assert result.status == REJECTED
    assert result.message.endswith(
        "file rejected: the header names 'amount' more than once (columns 5, 6) and their values "
        "differ: which is the contract's amount cannot be known; rename or remove the others"
    )


def test_a_contract_column_named_twice_with_the_same_values_is_read_once(land):
    header = PAYMENTS + ";amount;amount_2"  # and a column whose name the copy would have taken
    rows = ["P1;C1;F1;01/09/2026;10,00;EUR;card;10,00;x", "P2;C1;F1;01/09/2026;;EUR;card;;y"]
    land.put("erp", "payments.csv", "\n".join([header, *rows]) + "\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 2, 1, 1)  # P2 has no amount in either column
    assert result.message.startswith(
        "column(s) named more than once, with the same values: read once: amount; "
        "column(s) not in the contract, kept as text: amount_2"
    )
    loaded = land.rows("erp", "payments")
    assert loaded.select("payment_id", "amount", "amount_2").rows() == [
        ("P1", Decimal("10.00"), "x")
    ]


@pytest.mark.parametrize(
    ("second", "status", "said"),
    [
        (
            "10,00",
            LOADED,
            "column(s) named more than once, with the same values: read once: amount",
        ),
        ("11,00", REJECTED, "the header names 'amount' more than once (columns 5, 6)"),
    ],
)
def test_two_spellings_of_a_column_under_loose_matching_are_its_copies(land, second, status, said):
    # `Amount` and `AMOUNT` both match `amount` under `header_match: loose`; both were renamed
    # to it and the load failed on a duplicate column, whatever their values.
    payments = land.contracts["erp"].entities["payments"]
    loose = replace(payments, format=replace(payments.format, header_match="loose"))
    erp = land.contracts["erp"]
    land.contracts["erp"] = replace(erp, entities={**erp.entities, "payments": loose})
    header = PAYMENTS.title().replace("Amount", "Amount;AMOUNT")
    land.put("erp", "payments.csv", f"{header}\nP1;C1;F1;01/09/2026;10,00;{second};EUR;card\n")
    [result] = land.load("erp")
    assert result.status == status
    assert said in result.message
    if status == LOADED:
        loaded = land.rows("erp", "payments").select("payment_id", "amount").rows()
        assert loaded == [("P1", Decimal("10.00"))]


def test_utf8_customers_where_windows_1252_is_declared_load_as_freres_with_a_warning(land):
    body = "\n".join(
        [
            CUSTOMERS,
            customer("C1", "Dubois Frères", "Besançon"),
            customer("C2", "Hôtellerie", "Sète"),
        ]
    )
    land.put("erp", "customers.csv", body + "\n", encoding="utf-8")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 2, 2, 0)
    assert "declared cp1252 but the bytes are UTF-8: decoded as UTF-8" in result.message
    rows = land.rows("erp", "customers")
    assert rows["legal_name"].to_list() == ["Dubois Frères", "Hôtellerie"]
    assert rows["city"].to_list() == ["Besançon", "Sète"]


def test_a_file_mixing_utf8_and_windows_1252_lines_is_decoded_line_by_line(land):
    header = (CUSTOMERS + "\n").encode("cp1252")
    genuine = (customer("C1", "Société Générale", "Orléans") + "\n").encode("cp1252")
    drifted = (customer("C2", "Frères Lumière", "Besançon") + "\n").encode("utf-8")
    land.put("erp", "customers.csv", header + genuine + drifted)
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 2, 2, 0)
    assert "mixed encodings: 1 line(s) are UTF-8 in a file declared cp1252" in result.message
    rows = land.rows("erp", "customers")
    assert rows["legal_name"].to_list() == ["Société Générale", "Frères Lumière"]


def test_windows_1252_bytes_in_a_utf8_file_reject_it_with_a_hint(land):
    land.put("crm", "users.csv", "user_id,name,role,team,region,is_active\nU1,René,AE,A,EU,true\n")
    [result] = land.load("crm")
    assert result.status == REJECTED
    assert "not valid utf-8: byte 0xe9 at offset 46" in result.message
    assert "the bytes read as Windows-1252: is the contract's encoding right?" in result.message


def test_a_payment_dated_with_a_two_digit_year_is_quarantined(land):
    body = f"{PAYMENTS}\nP1;C1;F1;01/09/2026;10,00;EUR;card\nP2;C1;F1;02/12/26;10,00;EUR;card\n"
    land.put("erp", "payments.csv", body)
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 2, 1, 1)
    assert land.quarantine() == [(3, "payment_date: '02/12/26' has a two-digit year (%d/%m/%Y)")]


def test_dates_outside_the_plausible_window_are_quarantined(land):
    body = (
        f"{PAYMENTS}\nP1;C1;F1;01/09/2026;1,00;EUR;card\nP2;C1;F1;01/09/1970;1,00;EUR;card\n"
        "P3;C1;F1;01/10/2026;1,00;EUR;card\n"
    )
    land.put("erp", "payments.csv", body)
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 3, 1, 2)
    assert land.quarantine() == [
        (3, "payment_date: 1970-09-01 is more than 50 years before the extract date 2026-09-02"),
        (4, "payment_date: 2026-10-01 is more than 7 days after the extract date 2026-09-02"),
    ]


def test_numbers_beyond_a_trillion_either_way_are_quarantined(land):
    """A quantity of 99,999,999,999,999 fits the 18 digits a decimal is read into, but its cost
    overflowed the build's arithmetic, and every refresh stopped on it."""
    body = (
        f"{LINES}\nF1;1;GD-1103;;1000000000000;1,00;1000000000000,00;0,00\n"
        "F1;2;GD-1103;;99999999999999;1,00;1,00;0,00\n"
        "F1;3;GD-1103;;1;1,00;-1000000000000,01;0,00\n"
    )
    land.put("erp", "invoice_lines.csv", body)
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 3, 1, 2)
    assert land.quarantine() == [
        (3, "quantity: 99999999999999 is beyond the plausible 1,000,000,000,000 either way"),
        (
            4,
            "net_amount: -1000000000000,01 is beyond the plausible 1,000,000,000,000 either "
            "way; net_amount: -1000000000000,01 is below the minimum 0",
        ),
    ]


def test_an_annual_revenue_in_yen_passes_a_trillion(land):
    row = account(1).replace(",1000.00,", ",45000000000000.00,")
    land.put("crm", "accounts.csv", f"{ACCOUNTS}\n{row}\n", encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 1, 1, 0)


def test_a_due_date_months_ahead_is_plausible_and_loads(land):
    header = (
        "invoice_number;customer_number;order_number;kind;invoice_date;due_date;currency;status"
    )
    land.put("erp", "invoices.csv", f"{header}\nF1;C1;;invoice;01/09/2026;31/12/2026;EUR;open\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 1, 0)


def test_iso_timestamps_with_an_offset_or_fractions_are_read_as_their_instant_in_utc(land):
    """The contract writes `...:53Z`; a CRM that drops zero milliseconds or writes its user's
    offset names the same instants exactly. Without an offset, the zone would be a guess."""
    stamps = [
        "2026-09-01T08:01:53Z",
        "2026-09-01T08:01:53.123Z",
        "2026-09-01T10:01:53+02:00",
        "2026-09-01T08:01:53.000+0000",
        "2026-09-01T08:01:53",
    ]
    rows = [
        account(i).replace("2026-09-01T00:00:00Z,false", f"{stamp},false")
        for i, stamp in enumerate(stamps, start=1)
    ]
    land.put("crm", "accounts.csv", "\n".join([ACCOUNTS, *rows]) + "\n", encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 5, 4, 1)
    assert land.quarantine() == [
        (6, "last_modified_at: cannot read '2026-09-01T08:01:53' as timestamp (%Y-%m-%dT%H:%M:%SZ)")
    ]
    instants = land.rows("crm", "accounts")["last_modified_at"].to_list()
    assert [(t.hour, t.minute, t.second, t.microsecond) for t in instants] == [
        (8, 1, 53, 0),
        (8, 1, 53, 123000),
        (8, 1, 53, 0),
        (8, 1, 53, 0),
    ]


def test_a_months_rate_dated_on_its_last_day_loads_at_the_months_start(land):
    land.put("erp", "fx_rates.csv", "month;currency;rate\n30/09/2026;USD;0,920000\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 1, 0)


def test_an_sku_with_a_nul_byte_is_quarantined(land):
    body = f"{LINES}\nF1;1;GD-1103;;1;10,00;10,00;2,00\nF1;2;GD-1103\x00;;1;10,00;10,00;2,00\n"
    land.put("erp", "invoice_lines.csv", body)
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 2, 1, 1)
    assert land.quarantine() == [(3, "sku: control character in a code")]
    assert land.rows("erp", "invoice_lines")["sku"].to_list() == ["GD-1103"]


def test_a_key_with_trailing_whitespace_is_quarantined_but_a_padded_name_is_trimmed(land):
    users = "user_id,name,role,team,region,is_active"
    land.put("crm", "users.csv", f"{users}\nU1 ,Ann,AE,A,EU,true\nU2,  Bob  ,AE,A,EU,true\n")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 2, 1, 1)
    assert land.quarantine() == [(2, "user_id: leading or trailing whitespace in a code")]
    assert land.rows("crm", "users").select("user_id", "name").row(0) == ("U2", "Bob")


def test_a_negative_amount_on_a_credit_note_line_is_quarantined(land):
    land.put("erp", "invoice_lines.csv", f"{LINES}\nCN1;1;S1;;1;10,00;-10,00;-2,00\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 0, 1)
    assert land.quarantine() == [
        (
            2,
            "net_amount: -10,00 is below the minimum 0; tax_amount: -2,00 is below the minimum 0",
        )
    ]


def test_binary_garbage_under_a_csv_name_is_rejected_and_the_delivery_loads(land):
    land.put("erp", "invoice_lines.csv", bytes(range(256)) * 4)
    land.put("erp", "fx_rates.csv", "month;currency;rate\n01/09/2026;USD;0,92\n")
    results = {r.entity: r for r in land.load("erp")}
    assert results["invoice_lines"].status == REJECTED
    assert results["invoice_lines"].message.startswith(
        f"erp/{land.day}/invoice_lines.csv: file rejected: not valid cp1252: byte 0x81"
    )
    assert outcome(results["fx_rates"]) == (LOADED, 1, 1, 0)


def test_a_parquet_ledger_of_another_schema_is_rejected_naming_the_columns(land):
    folder = land.landing / "erp" / land.day
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"x": [1, 2]}), folder / "gl_entries.parquet")
    [result] = land.load("erp")
    assert result.status == REJECTED
    assert "missing required column(s): entry_id, posting_date" in result.message


def test_an_unexpected_error_rejects_that_file_naming_it_and_the_others_load(land, monkeypatch):
    land.put("erp", "fx_rates.csv", "month;currency;rate\n01/09/2026;USD;0,92\n")
    land.put("erp", "payments.csv", f"{PAYMENTS}\nP1;C1;F1;01/09/2026;10,00;EUR;card\n")
    real = file_loader.validate_records

    def fails_on_fx(frame, entity, *args, **kwargs):
        if entity.name == "fx_rates":
            raise ZeroDivisionError("a bug no test foresaw")
        return real(frame, entity, *args, **kwargs)

    monkeypatch.setattr(file_loader, "validate_records", fails_on_fx)
    results = {r.entity: r for r in land.load("erp")}
    assert outcome(results["fx_rates"]) == (REJECTED, 0, 0, 0)
    assert results["fx_rates"].message == (
        f"erp/{land.day}/fx_rates.csv: file rejected: unexpected ZeroDivisionError while "
        "loading: a bug no test foresaw"
    )
    assert outcome(results["payments"]) == (LOADED, 1, 1, 0)


def test_a_json_line_holding_a_unicode_line_separator_keeps_its_line_number(land):
    body = (
        '{"activity_id": "A1", "type": "Call", "activity_at": "2026-09-01T10:00:00Z",'
        ' "subject": "a\\u2028b\u2028c"}\n'
        "not json\n"
    )
    land.put("crm", "activities.jsonl", body, encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 2, 1, 1)
    assert land.quarantine() == [
        (
            2,
            "not a JSON object; activity_id: required value missing; "
            "activity_at: required value missing",
        )
    ]
    assert land.rows("crm", "activities")["subject"].to_list() == ["a\u2028b\u2028c"]


def test_the_clean_sample_company_loads_with_nothing_quarantined(tmp_path, contracts):
    # The plausibility windows, code checks and sign rules must not fire on real-looking data.
    generate_company(
        tmp_path / "landing",
        tmp_path / "truth",
        customers=40,
        seed=11,
        start=dt.date(2026, 9, 1),
        days=8,
        defects="none",
    )
    results = [
        r
        for source in ("crm", "erp")
        for r in ingest_source(contracts[source], tmp_path / "landing", tmp_path / "raw")
    ]
    assert {r.status for r in results} == {LOADED}
    assert sum(r.rows_quarantined for r in results) == 0
    assert sum(r.rows_loaded for r in results) > 4_000

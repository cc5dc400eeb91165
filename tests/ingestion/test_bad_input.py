"""Bad input, one case per test: which rows load, which are quarantined and why, which files are
rejected with which message; and always rows read = rows loaded + rows quarantined."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from ingestion.load_log import LOADED, REJECTED, FileLoad
from tests.ingestion.conftest import DAY

LINES = "invoice_number;line_number;sku;project_id;quantity;unit_price;net_amount;tax_amount"
USERS = "user_id,name,role,team,region,is_active"
PAYMENTS = "payment_id;customer_number;invoice_number;payment_date;amount;currency;method"


def outcome(result: FileLoad) -> tuple[str, int, int, int]:
    return result.status, result.rows_read, result.rows_loaded, result.rows_quarantined


def test_truncated_last_line_is_quarantined_and_the_rest_loaded(land):
    land.put("erp", "invoice_lines.csv", f"{LINES}\nF1;1;S1;;2;10,00;20,00;4,00\nF2;1;S1;;2;1")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 2, 1, 1)
    assert land.quarantine() == [
        (3, "expected 8 fields, found 6; net_amount: required value missing")
    ]


def test_unparseable_date_is_quarantined_with_the_expected_format(land):
    land.put(
        "erp", "fx_rates.csv", "month;currency;rate\n01/09/2026;USD;0,92\n2026-09-01;GBP;1,17\n"
    )
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 2, 1, 1)
    assert land.quarantine() == [(3, "month: cannot read '2026-09-01' as date (%d/%m/%Y)")]


def test_unparseable_number_is_quarantined(land):
    land.put("erp", "fx_rates.csv", "month;currency;rate\n01/09/2026;USD;zéro\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 0, 1)
    assert land.quarantine() == [(2, "rate: cannot read 'zéro' as decimal")]


def test_thousands_separators_and_decimal_comma_are_read_as_numbers(land):
    land.put(
        "erp",
        "payments.csv",
        "\n".join(
            [
                PAYMENTS,
                "P1;C1;F1;01/09/2026;1 234,56;EUR;transfer",
                "P2;C1;F1;01/09/2026;1.234,56;EUR;transfer",
                "P3;C1;F1;01/09/2026;1\xa0234,56;EUR;transfer",
            ]
        ),
    )
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 3, 3, 0)
    assert land.rows("erp", "payments")["amount"].to_list() == [Decimal("1234.56")] * 3


def test_negative_quantity_is_quarantined(land):
    land.put("erp", "invoice_lines.csv", f"{LINES}\nF1;1;S1;;-2;10,00;-20,00;-4,00\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 0, 1)
    assert land.quarantine() == [
        (
            2,
            "quantity: -2 is below the minimum 0; net_amount: -20,00 is below the minimum 0; "
            "tax_amount: -4,00 is below the minimum 0",
        )
    ]


def test_missing_business_key_is_quarantined(land):
    land.put(
        "crm", "users.csv", f"{USERS}\nU1,Ann,AE,A,EU,true\n,Bob,AE,A,EU,true\n", encoding="utf-8"
    )
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 2, 1, 1)
    assert land.quarantine() == [(3, "user_id: required value missing")]


def test_duplicate_key_inside_a_file_loads_both_versions_in_file_order(land):
    land.put(
        "crm",
        "users.csv",
        f"{USERS}\nU1,Ann,AE,A,EU,true\nU1,Ann B,AE,A,EU,false\n",
        encoding="utf-8",
    )
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 2, 2, 0)
    # Both versions stay in raw; staging keeps the later row (see the dbt unit tests).
    assert land.rows("crm", "users").select("name", "_row_number").rows() == [
        ("Ann", 2),
        ("Ann B", 3),
    ]


def test_unknown_foreign_key_is_loaded_for_the_warehouse_to_report(land):
    land.put("erp", "invoice_lines.csv", f"{LINES}\nF1;1;NO-SUCH-SKU;;1;10,00;10,00;2,00\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 1, 0)


def test_windows_1252_accents_and_symbols_survive(land):
    land.put(
        "erp",
        "products.csv",
        (
            "sku;name;category;product_line;kind;list_price;currency;is_active\n"
            "S1;Câble œuvre « spécial » – 5 €;Matériel;Réseau;goods;12,50;EUR;1\n"
        ),
    )
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 1, 0)
    assert land.rows("erp", "products")["name"][0] == "Câble œuvre « spécial » – 5 €"


def test_utf8_byte_order_mark_does_not_corrupt_the_first_column(land):
    land.put("crm", "users.csv", "\ufeff" + f"{USERS}\nU1,Renée,AE,A,EU,true\n", encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 1, 1, 0)
    assert land.rows("crm", "users").select("user_id", "name").row(0) == ("U1", "Renée")


def test_empty_file_loads_nothing_and_says_so(land):
    land.put("erp", "invoice_lines.csv", b"")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 0, 0, 0)
    assert "empty file" in result.message


def test_header_only_file_loads_nothing(land):
    land.put("erp", "invoice_lines.csv", LINES + "\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 0, 0, 0)
    assert result.message == ""


def _lines_delivered_again_as(land, name: str) -> list:
    """The same invoice lines landed twice: as `invoice_lines.csv`, then the next day as `name`."""
    content = f"{LINES}\nF1;1;S1;;2;10,00;20,00;4,00\n"
    land.put("erp", "invoice_lines.csv", content)
    land.put("erp", name, content, day="2026-09-03")
    return land.load("erp")


def test_file_delivered_twice_under_another_name_is_loaded_once(land):
    results = _lines_delivered_again_as(land, "invoice_lines_resent.csv")
    assert [r.status for r in results] == [LOADED, "duplicate"]
    assert "same content already loaded" in results[1].message
    assert land.rows("erp", "invoice_lines").height == 1


def test_a_copy_of_a_loaded_file_under_a_name_no_entity_has_is_reported_by_its_name(land):
    """Its name is what to fix: saying only that its content was loaded hid that."""
    results = _lines_delivered_again_as(land, "notes.csv")
    assert [r.status for r in results] == [LOADED, "unknown_file"]
    assert "notes.csv: no contract entity matches this file name" in results[1].message


def test_added_column_is_kept_and_reported(land):
    land.put("crm", "users.csv", f"{USERS},Shoe Size\nU1,Ann,AE,A,EU,true,38\n", encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 1, 1, 0)
    assert "not in the contract, kept as text: shoe_size" in result.message
    assert land.rows("crm", "users")["shoe_size"].to_list() == ["38"]


def test_renamed_required_column_rejects_the_file_naming_the_column(land):
    header = LINES.replace("net_amount", "amount_net")
    land.put("erp", "invoice_lines.csv", f"{header}\nF1;1;S1;;2;10,00;20,00;4,00\n")
    [result] = land.load("erp")
    assert outcome(result) == (REJECTED, 0, 0, 0)
    assert result.message == (
        f"erp/{DAY}/invoice_lines.csv: file rejected: missing required column(s): net_amount"
    )


def test_renamed_optional_column_loads_it_empty_and_keeps_the_new_one(land):
    header = PAYMENTS.replace("method", "payment_method")
    land.put("erp", "payments.csv", f"{header}\nP1;C1;F1;01/09/2026;10,00;EUR;card\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 1, 0)
    assert "optional column(s) absent, loaded as empty: method" in result.message
    row = land.rows("erp", "payments").row(0, named=True)
    assert (row["method"], row["payment_method"]) == (None, "card")


def test_a_decimal_with_more_places_than_its_column_keeps_is_quarantined_not_rounded(land):
    amounts = ["10,005", "1,234", "10,000", "1,5E+3", "-7,10", "0,0049"]
    lines = [f"P{i};C1;F1;01/09/2026;{a};EUR;card" for i, a in enumerate(amounts)]
    land.put("erp", "payments.csv", "\n".join([PAYMENTS, *lines]) + "\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 6, 3, 3)
    assert land.quarantine() == [
        (2, "amount: '10,005' has more decimal places than the 2 the contract keeps"),
        (3, "amount: '1,234' has more decimal places than the 2 the contract keeps"),
        (7, "amount: '0,0049' has more decimal places than the 2 the contract keeps"),
    ]
    loaded = land.rows("erp", "payments")["amount"].to_list()
    assert loaded == [Decimal("10.00"), Decimal("1500.00"), Decimal("-7.10")]


def test_a_trailing_minus_or_parentheses_make_a_number_negative(land):
    amounts = ["1.234,56-", "(1 234,56)", "7-", "(0,5)", "1-2", "(3", "-", "10,005-"]
    lines = [f"P{i};C1;F1;01/09/2026;{a};EUR;card" for i, a in enumerate(amounts)]
    land.put("erp", "payments.csv", "\n".join([PAYMENTS, *lines]) + "\n")
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 8, 4, 4)
    loaded = land.rows("erp", "payments")["amount"].to_list()
    assert loaded == [Decimal("-1234.56"), Decimal("-1234.56"), Decimal("-7"), Decimal("-0.5")]
    assert [reason for _, reason in land.quarantine()] == [
        *(f"amount: cannot read '{a}' as decimal" for a in ("1-2", "(3", "-")),
        "amount: '10,005-' has more decimal places than the 2 the contract keeps",
    ]


def test_wrong_separator_rejects_the_file_with_a_hint(land):
    land.put("erp", "fx_rates.csv", "month,currency,rate\n01/09/2026,USD,0.92\n")
    [result] = land.load("erp")
    assert result.status == REJECTED
    assert "missing required column(s): month, currency, rate" in result.message
    assert "is the separator ';'?" in result.message


@pytest.mark.parametrize("lines_above", [1, 3])
def test_a_report_title_above_the_header_rejects_the_file_saying_where_the_header_is(
    land, lines_above
):
    title = ["Exchange rates;exported 02.09.2026", "", "Company;GD01"][:lines_above]
    body = "month;currency;rate\n01/09/2026;USD;0,92\n"
    land.put("erp", "fx_rates.csv", "\n".join([*title, body]))
    [result] = land.load("erp")
    assert result.status == REJECTED
    assert result.message.endswith(
        "missing required column(s): month, currency, rate (the header is line "
        f"{lines_above + 1}: the {lines_above} line(s) above it, starting 'Exchange rates', "
        "'exported 02.09.2026', are not the table's; remove them)"
    )


def test_extra_field_on_one_line_quarantines_that_line(land):
    land.put(
        "erp",
        "invoice_lines.csv",
        f"{LINES}\nF1;1;S1;;2;10,00;20,00;4,00;oops\nF2;1;S1;;1;5,00;5,00;1,00\n",
    )
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 2, 1, 1)
    assert land.quarantine() == [(2, "expected 8 fields, found 9")]


def test_quoted_separator_inside_a_field_stays_in_the_value(land):
    land.put(
        "erp",
        "products.csv",
        (
            "sku;name;category;product_line;kind;list_price;currency;is_active\n"
            'S1;"Vis; écrous";Matériel;Fixations;goods;1,50;EUR;1\n'
        ),
    )
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 1, 0)
    assert land.rows("erp", "products")["name"][0] == "Vis; écrous"


def test_very_long_text_field_is_loaded_intact(land):
    subject = "x" * 200_000
    land.put(
        "crm",
        "activities.jsonl",
        (
            f'{{"activity_id": "A1", "type": "Email", "subject": "{subject}", '
            '"activity_at": "2026-09-01T10:00:00Z"}\n'
        ),
        encoding="utf-8",
    )
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 1, 1, 0)
    assert land.rows("crm", "activities")["subject"][0] == subject


def test_late_arriving_update_to_an_old_record_is_a_new_version_with_its_extract_date(land):
    land.put(
        "crm", "users.csv", f"{USERS}\nU1,Ann,AE,A,EU,true\n", day="2026-09-01", encoding="utf-8"
    )
    land.put(
        "crm", "users.csv", f"{USERS}\nU1,Ann,CSM,B,EU,true\n", day="2026-09-20", encoding="utf-8"
    )
    land.load("crm")
    versions = land.rows("crm", "users").select("role", "_extract_date").rows()
    assert versions == [("AE", dt.date(2026, 9, 1)), ("CSM", dt.date(2026, 9, 20))]


def test_deletion_is_loaded_as_a_flagged_version(land):
    header = "account_id,name,type,created_at,last_modified_at,is_deleted"
    land.put(
        "crm",
        "accounts.csv",
        f"{header}\nA1,ACME,Customer,2026-01-01T00:00:00Z,2026-09-01T00:00:00Z,true\n",
        encoding="utf-8",
    )
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 1, 1, 0)
    assert land.rows("crm", "accounts")["is_deleted"].to_list() == [True]


def test_boolean_in_an_unknown_spelling_is_quarantined(land):
    land.put("crm", "users.csv", f"{USERS}\nU1,Ann,AE,A,EU,maybe\n", encoding="utf-8")
    [result] = land.load("crm")
    assert outcome(result) == (LOADED, 1, 0, 1)
    assert land.quarantine() == [(2, "is_active: cannot read 'maybe' as boolean")]


def test_value_outside_the_allowed_set_is_quarantined(land):
    land.put(
        "erp",
        "invoices.csv",
        (
            "invoice_number;customer_number;order_number;kind;invoice_date;due_date;currency;status\n"
            "F1;C1;;proforma;01/09/2026;01/10/2026;EUR;open\n"
        ),
    )
    [result] = land.load("erp")
    assert land.quarantine() == [(2, "kind: 'proforma' is not one of invoice, credit_note")]
    assert outcome(result) == (LOADED, 1, 0, 1)


def test_a_crash_before_the_log_entry_is_completed_by_the_next_run(land, monkeypatch):
    import ingestion.load as load_module

    land.put("erp", "fx_rates.csv", "month;currency;rate\n01/09/2026;USD;0,92\n")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(load_module, "write_log", crash)
    with pytest.raises(KeyboardInterrupt):
        land.load("erp")
    monkeypatch.undo()
    [result] = land.load("erp")
    assert outcome(result) == (LOADED, 1, 1, 0)
    assert land.rows("erp", "fx_rates").height == 1  # rewritten, not duplicated


def test_an_unchanged_weekly_snapshot_is_loaded_again_for_its_date(land):
    header = "sku;name;category;product_line;kind;list_price;currency;is_active"
    content = f"{header}\nS1;A;B;C;goods;1,00;EUR;1\n"
    land.put("erp", "products_full.csv", content, day="2026-09-07")
    land.put("erp", "products_full.csv", content, day="2026-09-14")
    results = land.load("erp")
    assert [outcome(r) for r in results] == [(LOADED, 1, 1, 0)] * 2
    snapshots = land.rows("erp", "products").select("_extract_date", "_is_snapshot").rows()
    assert snapshots == [(dt.date(2026, 9, 7), True), (dt.date(2026, 9, 14), True)]


def test_an_invoice_without_a_customer_number_is_a_guest_sale_and_loads(land):
    land.put(
        "erp",
        "invoices.csv",
        (
            "invoice_number;customer_number;order_number;kind;invoice_date;due_date;currency;status\n"
            "F1;;;invoice;01/09/2026;01/09/2026;EUR;paid\n"
        ),
    )
    [result] = land.load("erp")
    assert land.quarantine() == []
    assert outcome(result) == (LOADED, 1, 1, 0)


def test_a_parquet_float_is_rounded_to_its_column_s_scale(land, tmp_path):
    entries = tmp_path / "gl_entries.parquet"
    frame = pl.DataFrame(
        {
            "entry_id": ["G1"],
            "posting_date": [dt.date(2026, 9, 1)],
            "account_code": ["6100"],
            "amount": [0.1 + 0.2],  # 0.30000000000000004
            "currency": ["EUR"],
        }
    )
    frame.write_parquet(entries)
    land.put("erp", "gl_entries.parquet", entries.read_bytes())
    [result] = land.load("erp")
    assert (result.status, result.rows_loaded) == (LOADED, 1)
    assert land.rows("erp", "gl_entries")["amount"].to_list() == [Decimal("0.30")]

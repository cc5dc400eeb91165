import io
import json
import re

import polars as pl
import pytest

from ingestion.contracts import load_contracts
from ingestion.generator.file_encoding import encode

FULL = "2026-09-01"


def test_erp_files_are_cp1252_with_semicolons_decimal_comma_and_french_dates(company):
    raw = (company.landing / f"erp/{FULL}/customers.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "Société Générale d'Équipement" in text
    assert "Müller & Söhne Maschinenbau" in text
    assert "Œuvre Numérique" in text
    header, first = text.splitlines()[:2]
    assert header.startswith("customer_number;legal_name;trading_name;")
    fields = first.split(";")
    assert re.fullmatch(r"\d+,\d{2}", fields[10])  # credit_limit
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", fields[12])  # created_on
    assert fields[14] in ("0", "1")  # is_blocked


def test_erp_amounts_never_use_a_decimal_point_or_thousands_separator(company):
    text = (company.landing / f"erp/{FULL}/invoice_lines.csv").read_bytes().decode("cp1252")
    lines = text.splitlines()
    assert lines[0].split(";")[4:] == ["quantity", "unit_price", "net_amount", "tax_amount"]
    for line in lines[1:]:
        quantity, unit_price, net, tax = line.split(";")[4:]
        assert re.fullmatch(r"\d+,\d{4}", quantity), line
        assert re.fullmatch(r"\d+,\d{4}", unit_price), line
        assert re.fullmatch(r"\d+,\d{2}", net), line
        assert re.fullmatch(r"\d+,\d{2}", tax), line


def test_fields_with_the_separator_or_quotes_are_quoted(company):
    crm = (company.landing / f"crm/{FULL}/accounts.csv").read_text(encoding="utf-8")
    assert '"Smith, Jones & Partners"' in crm
    assert '"Brasserie ""Le Zinc"""' in crm


def test_crm_files_are_utf8_with_iso_utc_timestamps_and_true_false(company):
    text = (company.landing / f"crm/{FULL}/opportunities.csv").read_text(encoding="utf-8")
    frame = pl.read_csv(text.encode(), infer_schema=False)
    assert frame["created_at"].str.contains(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$").all()
    assert frame["close_date"].str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    assert set(frame["is_deleted"]) <= {"false", "true"}  # lost deals are deleted later


def test_activities_are_json_lines_of_strings(company):
    lines = (company.landing / f"crm/{FULL}/activities.jsonl").read_text("utf-8").splitlines()
    assert lines
    for line in lines:
        record = json.loads(line)
        assert list(record) == [
            "activity_id",
            "account_id",
            "contact_id",
            "type",
            "subject",
            "activity_at",
            "owner_id",
        ]
        assert all(isinstance(v, str) for v in record.values())
        assert record["type"] in {"Call", "Email", "Meeting", "Demo"}


def test_general_ledger_is_parquet_with_real_types(company):
    frame = pl.read_parquet(company.landing / f"erp/{FULL}/gl_entries.parquet")
    assert frame.schema["posting_date"] == pl.Date
    assert frame.schema["amount"] == pl.Decimal(18, 2)
    assert frame.schema["account_code"] == pl.String
    assert (frame["amount"] > 0).all()
    assert {"6230", "6410", "6241"} <= set(frame["account_code"])
    marketing = frame.filter(pl.col("account_code") == "6230")
    assert marketing["campaign_code"].is_not_null().all()
    assert (marketing["cost_centre"] == "MKT").all()
    shipping = frame.filter(pl.col("account_code") == "6241")
    assert shipping["customer_number"].is_not_null().all()


def test_an_empty_extract_of_the_ledger_is_a_zero_row_parquet_with_the_schema():
    entity = load_contracts()["erp"].entities["gl_entries"]
    empty = pl.DataFrame(schema=dict.fromkeys(entity.column_names, pl.String))
    frame = pl.read_parquet(io.BytesIO(encode(empty, entity)))
    assert frame.height == 0
    assert frame.columns == entity.column_names
    assert frame.schema["amount"] == pl.Decimal(18, 2)


def test_every_ledger_file_has_the_same_schema(company):
    schemas = {
        str(pl.read_parquet_schema(p)) for p in company.landing.glob("erp/*/gl_entries.parquet")
    }
    assert len(schemas) == 1

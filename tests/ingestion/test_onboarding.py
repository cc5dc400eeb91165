"""Onboarding a CRM whose exports look different, by configuration only (examples/other_crm)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl

from ingestion.contracts import load_contracts
from ingestion.load import ingest_source
from ingestion.load_log import LOADED
from ingestion.raw_store import entity_dir

EXAMPLE = Path(__file__).parents[2] / "examples" / "other_crm"


def test_a_crm_with_other_headers_formats_and_file_names_loads_into_the_canonical_shape(tmp_path):
    contracts = load_contracts(EXAMPLE)
    assert contracts["erp"].entities["invoices"].format.separator == ";"  # built-in ERP kept
    folder = tmp_path / "landing" / "crm" / "2026-09-01"
    folder.mkdir(parents=True)
    (folder / "Accounts_export.csv").write_bytes(
        (
            "\ufeffAccountId;Name;Website;Industry;EmployeeCount;AnnualRevenue;BillingStreet;"
            "BillingCity;BillingPostalCode;BillingCountry;VatNumber;Phone;OwnerId;Type;"
            "ErpCustomerNumber;CreatedAt;LastModifiedAt;IsDeleted\n"
            "A-1;Müller & Söhne GmbH;mueller.de;Manufacturing;1.250;12.500.000,50;Hauptstr. 1;"
            "München;80331;DE;DE123;+49 89 1;U-7;Customer;C000042;31.01.2024 09:30;"
            "02.09.2026 17:05;no\n"
        ).encode("utf-8")
    )
    [result] = ingest_source(contracts["crm"], tmp_path / "landing", tmp_path / "raw")
    assert (result.status, result.rows_loaded, result.rows_quarantined) == (LOADED, 1, 0)
    folder = entity_dir(tmp_path / "raw", contracts["crm"].entities["accounts"])
    row = pl.read_parquet(folder / "*.parquet").row(0, named=True)
    assert row["account_id"] == "A-1"
    assert row["name"] == "Müller & Söhne GmbH"
    assert row["employee_count"] == 1250
    assert row["annual_revenue"] == Decimal("12500000.50")
    assert row["erp_customer_number"] == "C000042"
    assert row["created_at"] == dt.datetime(2024, 1, 31, 9, 30, tzinfo=dt.UTC)
    assert row["is_deleted"] is False

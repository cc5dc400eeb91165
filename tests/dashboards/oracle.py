"""Per-customer figures straight from the landing extracts (plain Polars and decimals, no dbt)."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl

from tests.integration.oracle import CENT, _date, _dec, _latest, _month, _read_erp


def customer_documents(landing: Path, customer_number: str) -> dict[str, str]:
    """{document number: kind} of the customer's invoices and credit notes, cancelled ones out."""
    invoices = _latest(_read_erp(landing, "invoices"), ["invoice_number"])
    return {
        r["invoice_number"]: r["kind"]
        for r in invoices.iter_rows(named=True)
        if r["customer_number"] == customer_number and r["status"] != "cancelled"
    }


def customer_monthly_revenue(landing: Path, customer_number: str) -> dict[dt.date, Decimal]:
    """{month: net revenue in EUR} of one ERP customer number, per the KPI definitions."""
    invoices = {
        r["invoice_number"]: r
        for r in _latest(_read_erp(landing, "invoices"), ["invoice_number"]).iter_rows(named=True)
    }
    documents = customer_documents(landing, customer_number)
    rates = {
        (_date(r["month"]), r["currency"]): _dec(r["rate"])
        for r in _latest(_read_erp(landing, "fx_rates"), ["month", "currency"]).iter_rows(
            named=True
        )
    }
    lines = _latest(_read_erp(landing, "invoice_lines"), ["invoice_number", "line_number"])
    totals: dict[dt.date, Decimal] = defaultdict(Decimal)
    for line in lines.iter_rows(named=True):
        if line["invoice_number"] not in documents:
            continue
        invoice = invoices[line["invoice_number"]]
        month = _month(_date(invoice["invoice_date"]))
        sign = -1 if invoice["kind"] == "credit_note" else 1
        rate = rates[(month, invoice["currency"])]
        totals[month] += (sign * _dec(line["net_amount"]) * rate).quantize(CENT, ROUND_HALF_UP)
    return dict(sorted(totals.items()))


def csat_scores(landing: Path, account_ids: set[str]) -> list[int]:
    """CSAT scores of the latest version of every case of the given CRM accounts, unrated left out
    (the CRM extract is UTF-8 with commas)."""
    frames = [
        pl.read_csv(path, infer_schema=False).with_columns(
            pl.lit(path.parent.name).alias("extract_date"), pl.int_range(pl.len()).alias("position")
        )
        for path in sorted((landing / "crm").glob("*/cases.csv"))
    ]
    cases = _latest(pl.concat(frames, how="diagonal"), ["case_id"])
    return [
        int(score)
        for account, score in cases.select("account_id", "csat_score").iter_rows()
        if account in account_ids and score
    ]


def owned_customer_numbers(landing: Path, owner_id: str) -> set[str]:
    """ERP customer numbers of the current (not deleted) CRM accounts `owner_id` owns."""
    frames = [
        pl.read_csv(path, infer_schema=False).with_columns(
            pl.lit(path.parent.name).alias("extract_date"), pl.int_range(pl.len()).alias("position")
        )
        for path in sorted((landing / "crm").glob("*/accounts.csv"))
    ]
    accounts = _latest(pl.concat(frames, how="diagonal"), ["account_id"])
    owned = accounts.filter(
        (pl.col("owner_id") == owner_id)
        & (pl.col("is_deleted") != "true")
        & pl.col("erp_customer_number").is_not_null()
    )
    return set(owned["erp_customer_number"])

"""The worked example of docs/onboarding.md: a preset for Odoo's invoice export."""

from pathlib import Path

import polars as pl
import pytest

from ingestion.presets import load_preset
from ingestion.raw_store import quarantine_dir
from ingestion.sources import Source, ingest, load_sources

EXAMPLE = Path(__file__).parents[3] / "examples" / "odoo_invoices"


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("odoo")
    landing = home / "landing" / "erp"
    landing.mkdir(parents=True)
    (landing / "2026-11-30").symlink_to(EXAMPLE / "2026-11-30", target_is_directory=True)
    contract = load_sources(home / "sources.yml")["erp"].contract
    preset = load_preset(str(EXAMPLE / "odoo_invoices.yml"), contract)
    (load,) = ingest(Source(contract, preset), home / "landing", home / "raw")
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined) == (7, 6, 1)
    return home / "raw"


def _rows(raw: Path, entity: str) -> pl.DataFrame:
    return pl.read_parquet(raw / "erp" / entity / "*.parquet")


def test_fields_written_on_an_invoices_first_line_only_are_carried_down(raw):
    lines = _rows(raw, "invoice_lines").sort("invoice_number", "line_number")
    assert lines.select("invoice_number", "line_number", "sku", "net_amount").rows() == [
        ("INV/2026/00001", 1, "FURN_0001", 480),
        ("INV/2026/00001", 2, "FURN_0002", 350),
        ("INV/2026/00002", 1, "SERV_0001", 180),
        ("INV/2026/00004", 1, "FURN_0003", 421),
        ("INV/2026/00004", 2, "DELIVERY", 25),
        ("RINV/2026/00001", 1, "FURN_0002", 350),
    ]


def test_a_credit_note_and_its_customer_are_mapped(raw):
    invoices = _rows(raw, "invoices").sort("invoice_number")
    named = invoices.filter(pl.col("invoice_number") == "RINV/2026/00001").row(0, named=True)
    assert (named["kind"], named["customer_number"], named["currency"]) == (
        "credit_note",
        "CUST-001",
        "EUR",
    )
    assert set(invoices["kind"]) == {"invoice", "credit_note"}


def test_a_draft_is_quarantined_as_not_issued(raw):
    quarantine = pl.read_parquet(quarantine_dir(raw) / "*.parquet")
    assert quarantine.select("row_number", "reason").rows() == [(6, "not an issued invoice")]

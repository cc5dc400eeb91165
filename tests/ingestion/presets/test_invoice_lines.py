"""The `invoice_lines` preset on UCI's Online Retail II: 525,461 real invoice lines.

Every figure is checked against an independent Polars computation over the same file.
"""

import shutil
from pathlib import Path

import polars as pl
import pytest

from ingestion.raw_store import quarantine_dir
from ingestion.sources import ingest, load_sources

REAL = Path(__file__).parents[2] / "data" / "real" / "online-retail-ii-2009-2010"
FILE = REAL / "online_retail_II.parquet"
DAY = "2010-12-10"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file landed as one ERP delivery and ingested through the preset once."""
    home = tmp_path_factory.mktemp("retail")
    delivery = home / "landing" / "erp" / DAY
    delivery.mkdir(parents=True)
    shutil.copy(FILE, delivery / FILE.name)
    (home / "sources.yml").write_text("sources:\n  erp:\n    preset: invoice_lines\n")
    source = load_sources(home / "sources.yml")["erp"]
    (load,) = ingest(source, home / "landing", home / "raw")
    assert load.status == "loaded"
    return home


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    """The oracle's input: the file as the retailer wrote it."""
    return pl.read_parquet(FILE).with_columns(
        amount=pl.col("Quantity").cast(pl.Decimal(18, 4)) * pl.col("Price").cast(pl.Decimal(18, 4)),
        month=pl.col("InvoiceDate").str.slice(0, 7),
    )


def _raw(home: Path, entity: str) -> pl.DataFrame:
    return pl.read_parquet(home / "raw" / "erp" / entity / "*.parquet")


WRITE_OFF = pl.col("Invoice").str.starts_with("A")
CREDIT = pl.col("Invoice").str.starts_with("C")
ADJUSTMENT = (pl.col("Quantity") < 0) & (pl.col("Price") == 0) & ~CREDIT
AGAINST_KIND = ~WRITE_OFF & pl.when(CREDIT).then(pl.col("amount") > 0).otherwise(
    pl.col("amount") < 0
)


def _sales(lines: pl.DataFrame) -> pl.DataFrame:
    """The lines that are sales: not write-offs, stock adjustments or against their document."""
    return lines.filter(~WRITE_OFF & ~ADJUSTMENT & ~AGAINST_KIND)


def _revenue(home: Path) -> pl.DataFrame:
    """Net revenue per month from what ingestion loaded (credit notes negative)."""
    invoices = _raw(home, "invoices").select("invoice_number", "kind", "invoice_date")
    return (
        _raw(home, "invoice_lines")
        .join(invoices, on="invoice_number")
        .with_columns(
            signed=pl.when(pl.col("kind") == "credit_note")
            .then(-pl.col("net_amount"))
            .otherwise(pl.col("net_amount"))
        )
        .group_by(month=pl.col("invoice_date").dt.strftime("%Y-%m"))
        .agg(pl.col("signed").sum())
    )


def test_every_line_is_loaded_or_quarantined_with_its_reason(home, lines):
    quarantine = pl.read_parquet(quarantine_dir(home / "raw") / "*.parquet")
    reasons = dict(quarantine.group_by("reason").len().iter_rows())
    assert reasons == {
        "bad-debt write-off ('A' document): not a sale": lines.filter(WRITE_OFF).height,
        "stock adjustment (negative quantity at price 0 on an invoice): not a sale": (
            lines.filter(ADJUSTMENT).height
        ),
        "a line whose amount runs against its document's kind (credit note or invoice)": (
            lines.filter(AGAINST_KIND).height
        ),
    }
    assert _raw(home, "invoice_lines").height + quarantine.height == lines.height == 525_461


def test_monthly_net_revenue_equals_quantity_times_price_for_all_13_months(home, lines):
    # Bad-debt write-offs are not sales, and a line against its document's kind has an unknown
    # sign (both quarantined); every other line counts, credit notes included. A line is billed
    # to the penny: 14 lines price a pad at 0.001 GBP, so a month's total may differ from the
    # unrounded sum by less than a penny.
    oracle = lines.filter(~WRITE_OFF & ~AGAINST_KIND).group_by("month").agg(pl.col("amount").sum())
    both = oracle.join(_revenue(home), on="month", how="full", coalesce=True).sort("month")
    assert both.height == 13
    differences = (both["amount"] - both["signed"]).abs()
    assert differences.max() < 0.01, both


def test_the_customers_are_the_4383_customer_ids(home, lines):
    customers = _raw(home, "customers")
    assert customers.height == lines["Customer ID"].n_unique() - 1 == 4_383  # minus the null
    assert customers["customer_number"].str.contains(r"^\d+$").all()


def test_lines_without_a_customer_are_guest_sales_in_the_revenue(home, lines):
    invoices = _raw(home, "invoices")
    guest_invoices = set(invoices.filter(pl.col("customer_number").is_null())["invoice_number"])
    oracle = _sales(lines).filter(pl.col("Customer ID").is_null())
    assert guest_invoices == set(oracle["Invoice"])
    guest = (
        _raw(home, "invoice_lines")
        .filter(pl.col("invoice_number").is_in(list(guest_invoices)))
        .join(invoices, on="invoice_number")
    )
    signed = pl.when(pl.col("kind") == "credit_note").then(-pl.col("net_amount"))
    total = guest.select(signed.otherwise(pl.col("net_amount")).sum()).item()
    assert abs(total - oracle["amount"].sum()) < 0.01 * 13


def test_credit_notes_are_recognised_by_their_prefix(home, lines):
    invoices = _raw(home, "invoices")
    kinds = dict(invoices.group_by("kind").len().iter_rows())
    sales = _sales(lines)
    credit = sales.filter(pl.col("Invoice").str.starts_with("C"))["Invoice"].n_unique()
    assert kinds == {"credit_note": credit, "invoice": sales["Invoice"].n_unique() - credit}
    # One named credit note: C489449, its lines stored positive, as the ERP contract has them.
    named = lines.filter(pl.col("Invoice") == "C489449")
    stored = _raw(home, "invoice_lines").filter(pl.col("invoice_number") == "C489449")
    assert stored.height == named.height
    assert stored["net_amount"].sum() == -named["amount"].sum()
    assert (stored["quantity"] > 0).all()


def test_non_product_codes_are_services_with_what_they_are(home):
    products = _raw(home, "products").select("sku", "kind", "category")
    by_sku = {sku: (kind, category) for sku, kind, category in products.iter_rows()}
    assert by_sku["POST"] == ("service", "non-product: postage")
    assert by_sku["M"] == ("service", "non-product: manual entry")
    assert by_sku["D"] == ("service", "non-product: discount")
    assert by_sku["85048"] == ("goods", "goods")

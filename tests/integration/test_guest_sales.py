"""Guest sales (invoices without a customer number) in a company reporting in GBP with no FX table
of its own: revenue counts every line, the "unidentified customers" member holds exactly the
guest revenue, customer counts leave it out, and amounts cross the ECB rates through the EUR."""

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from c360.settings import Settings
from tests.conftest import generate_and_refresh, published, settings_for
from tests.integration.ecb_oracle import ecb_monthly_means, ecb_rate, landed_lines, revenue
from tests.integration.oracle import _organisation_of

GUEST_EVERY = 5
"""Every fifth invoice (by number) loses its customer number."""
REPORTING = {"C360_REPORTING_CURRENCY": "GBP"}


def make_guest_sales(landing: Path) -> None:
    """Blank the customer number of every fifth invoice in every extract; drop the FX table."""
    for path in sorted((landing / "erp").glob("*/invoices.csv")):
        frame = pl.read_csv(
            path.read_bytes().decode("cp1252").encode(), separator=";", infer_schema=False
        )
        number = pl.col("invoice_number").str.extract(r"(\d+)$").cast(pl.Int64)
        frame = frame.with_columns(
            pl.when(number % GUEST_EVERY == 0)
            .then(None)
            .otherwise(pl.col("customer_number"))
            .alias("customer_number")
        )
        path.write_bytes(frame.write_csv(separator=";").encode("cp1252"))
    for path in (landing / "erp").glob("*/fx_rates*"):
        path.unlink()


@pytest.fixture(scope="module")
def guest_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_and_refresh(
        tmp_path_factory.mktemp("c360_guests"),
        edit_landing=make_guest_sales,
        environment=REPORTING,
        customers=40,
        seed=5,
        defects="none",
    )


@pytest.fixture
def settings(guest_company: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_for(guest_company, monkeypatch, REPORTING)


@pytest.fixture(scope="module")
def oracle_lines(guest_company: Path) -> list[dict]:
    """The landed lines, each with its GBP rate and revenue from the ECB zip."""
    means = ecb_monthly_means()
    lines = landed_lines(guest_company / "landing")
    for line in lines:
        line["rate"] = ecb_rate(means, line["month"], line["currency"], "GBP")
        line["revenue"] = revenue(line["amount"], line["rate"])
    return lines


def test_revenue_counts_every_landed_line_guest_sales_included(settings, oracle_lines):
    expected: dict = defaultdict(Decimal)
    for line in oracle_lines:
        expected[line["month"]] += line["revenue"]
    assert any(line["customer_number"] is None for line in oracle_lines)
    kpis = published(
        settings,
        "select month, net_revenue, reporting_currency from marts.rpt_kpi_monthly "
        "where invoice_lines > 0",
    )
    assert set(kpis["reporting_currency"]) == {"GBP"}
    assert dict(zip(kpis["month"], kpis["net_revenue"], strict=True)) == dict(expected)


def test_the_unidentified_member_carries_exactly_the_guest_revenue(settings, oracle_lines):
    guests = [line for line in oracle_lines if line["customer_number"] is None]
    summary = published(settings, "select * from quality.unidentified_sales").row(0, named=True)
    assert summary["unidentified_net_revenue"] == sum(line["revenue"] for line in guests)
    assert summary["unidentified_documents"] == len({line["invoice_number"] for line in guests})
    assert summary["unidentified_lines"] == len(guests)
    total = sum(line["revenue"] for line in oracle_lines)
    assert summary["unidentified_revenue_share"] == pytest.approx(
        float(summary["unidentified_net_revenue"]) / float(total)
    )
    members = published(
        settings,
        "select distinct customer_key from marts.fct_invoice_lines where is_unidentified_customer",
    )
    assert members["customer_key"].to_list() == [summary["unidentified_customer_key"]]


def test_customer_counts_leave_the_guest_member_out(settings, oracle_lines):
    key = published(settings, "select unidentified_customer_key from quality.unidentified_sales")[
        0, 0
    ]
    for mart in ("dim_customers", "fct_customer_clv", "rpt_churned_customers"):
        found = published(
            settings, f"select count(*) from marts.{mart} where customer_key = '{key}'"
        )
        assert found[0, 0] == 0, mart
    organisation_of, _ = _organisation_of(settings.truth_dir)
    buyers = {
        organisation_of[line["customer_number"]]
        for line in oracle_lines
        if line["customer_number"] is not None and line["kind"] == "invoice"
    }
    new_customers = published(settings, "select sum(new_customers) from marts.rpt_kpi_monthly")[
        0, 0
    ]
    assert new_customers == len(buyers)
    errors = published(
        settings,
        "select count(*) from quality.sync_errors where error_type = 'invoice_unknown_customer'",
    )
    assert errors[0, 0] == 0


def test_amounts_cross_the_ecb_rates_through_the_euro_into_gbp(settings, oracle_lines):
    expected = {(line["invoice_number"], line["line_number"]): line for line in oracle_lines}
    facts = published(
        settings,
        "select invoice_number, line_number, document_currency, fx_rate, net_revenue "
        "from marts.fct_invoice_lines",
    )
    assert facts.height == len(expected)
    assert set(facts["document_currency"]) >= {"EUR", "USD", "GBP"}
    for row in facts.iter_rows(named=True):
        line = expected[(row["invoice_number"], row["line_number"])]
        # GBP per USD = GBP-per-EUR / USD-per-EUR of the month: a USD amount / USD-per-EUR x
        # GBP-per-EUR; a GBP amount stays as it is.
        assert row["fx_rate"] == line["rate"], row
        assert row["net_revenue"] == line["revenue"], row
    gbp = facts.filter(pl.col("document_currency") == "GBP")
    assert (gbp["fx_rate"] == Decimal(1)).all()

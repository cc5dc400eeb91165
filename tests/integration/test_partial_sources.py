"""An ERP-only company (no CRM, no product costs, no timesheets, no FX table) refreshes, and every
figure it cannot have is empty or unknown with its reason, never a zero that looks real."""

import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from c360.settings import Settings
from tests.conftest import published, settings_for
from tests.integration.ecb_oracle import ecb_monthly_means, ecb_rate, landed_lines, revenue

CRM_ENTITIES = {
    "accounts",
    "contacts",
    "leads",
    "opportunities",
    "activities",
    "cases",
    "campaigns",
    "users",
}


@pytest.fixture
def settings(erp_only_built: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_for(erp_only_built, monkeypatch)


def test_a_crm_with_no_landing_folder_still_gets_its_empty_raw_tables(settings):
    assert not (settings.landing_dir / "crm").exists()
    for entity in CRM_ENTITIES:
        assert (settings.raw_dir / "crm" / entity / "_empty.parquet").exists(), entity


def test_marts_that_need_the_crm_are_empty(settings):
    for mart in ("rpt_pipeline", "rpt_pipeline_outcomes", "rpt_customer_satisfaction"):
        assert published(settings, f"select count(*) as n from marts.{mart}")["n"][0] == 0, mart


def test_match_rates_are_unknown_without_a_crm_not_zero(settings):
    rates = dict(published(settings, "select * from quality.identity_match_rates").iter_rows())
    assert rates["erp_customers_matched_to_crm_by_count"] is None
    assert rates["erp_customers_matched_to_crm_by_revenue"] is None


def test_margin_is_unknown_without_cost_data_never_a_hundred_percent(settings):
    kpis = published(
        settings,
        "select net_revenue, cogs, gross_margin, gross_margin_pct, contribution_margin, "
        "cost_coverage_share from marts.rpt_kpi_monthly",
    )
    assert kpis["net_revenue"].is_not_null().all() and kpis["net_revenue"].sum() > 0
    for column in ("cogs", "gross_margin", "gross_margin_pct", "contribution_margin"):
        assert kpis[column].is_null().all(), column
    lines = published(
        settings,
        "select invoice_kind, has_known_cost, count(*) as n, count(gross_margin) as margins "
        "from marts.fct_invoice_lines group by all",
    )
    invoices = lines.filter(pl.col("invoice_kind") == "invoice")
    assert invoices["has_known_cost"].to_list() == [False]
    assert invoices["margins"].to_list() == [0]
    lifetime = published(
        settings, "select count(contribution_margin) as n from marts.rpt_customer_profitability"
    )
    assert lifetime["n"][0] == 0
    # P(alive) and expected purchases need no cost; margin and CLV are never invented.
    clv = published(
        settings,
        "select count(*) as n, count(p_alive) as scored, count(predicted_clv) as valued, "
        "count(expected_margin_per_purchase) as margins from marts.fct_customer_clv",
    ).row(0, named=True)
    assert clv["n"] == clv["scored"] > 0
    assert clv["valued"] == clv["margins"] == 0


def test_source_coverage_names_every_missing_entity_with_its_reason(settings):
    coverage = published(settings, "select * from quality.source_coverage")
    absent = coverage.filter("is_absent")
    assert {(r["source"], r["entity"]) for r in absent.iter_rows(named=True)} == {
        *(("crm", entity) for entity in CRM_ENTITIES),
        ("erp", "product_costs"),
        ("erp", "timesheets"),
        ("erp", "fx_rates"),
    }
    messages = dict(zip(absent["entity"], absent["message"], strict=True))
    assert messages["product_costs"] == (
        "no product_costs in the ERP extracts: COGS, gross and contribution margin, CLV and CAC "
        "payback unknown (delivering product_costs.csv (standard costs) in the ERP extracts "
        "fills it)"
    )
    assert messages["opportunities"].startswith("no opportunities in the CRM extracts: open pipe")
    assert messages["fx_rates"].endswith("ECB monthly reference rates are used instead")
    present = coverage.filter(~pl.col("is_absent"))
    assert present["message"].is_null().all() and (present["rows_available"] > 0).all()


def test_without_an_fx_table_documents_convert_at_the_ecb_monthly_mean(settings):
    """Months newer than the ECB file take its newest month's mean (ecb_rate carries it)."""
    means = ecb_monthly_means()
    expected = {
        (line["invoice_number"], line["line_number"]): (
            ecb_rate(means, line["month"], line["currency"], "EUR"),
            line["amount"],
        )
        for line in landed_lines(settings.landing_dir)
    }
    facts = published(
        settings,
        "select invoice_number, line_number, document_currency, fx_rate, net_revenue "
        "from marts.fct_invoice_lines",
    )
    assert facts.height == len(expected)
    assert set(facts["document_currency"]) >= {"EUR", "USD"}
    for row in facts.iter_rows(named=True):
        rate, amount = expected[(row["invoice_number"], row["line_number"])]
        # EUR per unit: 1 / (units per EUR), e.g. a USD amount / the month's USD-per-EUR mean.
        assert row["fx_rate"] == rate, row
        assert row["net_revenue"] == revenue(amount, rate), row
    eur = facts.filter(pl.col("document_currency") == "EUR")
    assert (eur["fx_rate"] == Decimal(1)).all()


def test_documents_newer_than_the_ecb_file_are_converted_and_said_to_be(settings):
    """Every refresh stopped on them (no rate, a null amount) before the newest quote was
    carried forward; now they count, receivables reach their month, and a warning names them."""
    newest_quoted = max(month for month, _ in ecb_monthly_means())
    newer = [line for line in landed_lines(settings.landing_dir) if line["month"] > newest_quoted]
    # a currency besides the EUR, whose carried rate is not 1 (the test above checks its rate)
    assert {line["currency"] for line in newer} - {"EUR"}
    months = published(
        settings,
        "select invoice_month, count(*) as n from marts.fct_invoice_lines "
        f"where invoice_month > date '{newest_quoted}' group by all",
    )
    assert months["n"].sum() == len(newer)
    receivables = published(
        settings, "select max(month) as month from marts.rpt_receivables_monthly"
    )
    assert receivables["month"][0] == max(line["month"] for line in newer)
    last = json.loads(settings.last_refresh.read_text())
    assert any(
        "assert_invoice_lines_converted_at_their_months_rate" in w for w in last["checks_warned"]
    )

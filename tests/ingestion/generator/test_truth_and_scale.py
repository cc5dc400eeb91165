"""The monthly ground truth against an independent computation, blocks, progress, plausibility."""

import datetime as dt

import polars as pl

import ingestion.generator.blocks as blocks
from ingestion.generator import generate_company
from ingestion.generator.plausibility import plausibility
from tests.ingestion.generator.conftest import SMALL, Company
from tests.integration.oracle import monthly_revenue_and_margin


def _truth_matches_the_oracle(company: Company) -> None:
    expected = monthly_revenue_and_margin(company.landing)
    monthly = pl.read_parquet(company.truth / "monthly_truth.parquet")
    assert len(expected) >= 12
    for row in monthly.iter_rows(named=True):
        revenue, margin = expected.get(row["month"], (0, 0))
        assert (row["net_revenue_eur"], row["gross_margin_eur"]) == (revenue, margin), row


def test_monthly_truth_of_clean_extracts_matches_an_independent_computation_to_the_cent(company):
    _truth_matches_the_oracle(company)


def test_a_company_written_in_several_blocks_keeps_keys_unique_and_its_truth(
    make_company, monkeypatch
):
    monkeypatch.setattr(blocks, "BLOCK_CUSTOMERS", 25)
    company = make_company(defects="typical")
    truth = pl.read_parquet(company.truth / "organisations.parquet")
    assert truth["org_id"].is_unique().all()
    accounts = truth.explode("crm_account_ids")["crm_account_ids"].drop_nulls()
    assert accounts.is_unique().all()
    assert set(accounts) == set(company.rows("crm.accounts")["account_id"])
    for name in ("erp.invoices", "erp.sales_orders", "erp.payments", "crm.contacts"):
        rows = company.rows(name)
        key = rows.columns[0]
        assert rows[key].drop_nulls().n_unique() == company.latest(name).height, name
    clean = make_company(defects="none")
    _truth_matches_the_oracle(clean)


def test_progress_is_reported_on_stderr_when_asked(tmp_path, capsys):
    arguments = {**SMALL, "customers": 5, "days": 2, "history_months": 2}
    generate_company(tmp_path / "landing", tmp_path / "truth", progress=True, **arguments)
    err = capsys.readouterr().err
    assert "generate: block 1/1" in err and err.endswith("\n")
    generate_company(tmp_path / "again", tmp_path / "truth2", **arguments)
    assert capsys.readouterr().err == ""


def test_the_default_company_is_a_plausible_b2b_business(tmp_path):
    generate_company(tmp_path / "landing", tmp_path / "truth", customers=500, seed=42)
    figures = plausibility(tmp_path / "truth")
    assert 35 <= figures["gross_margin_pct"] <= 65
    assert 1_000 <= figures["blended_cac_eur"] <= 15_000
    assert 10 <= figures["logo_churn_pct"] <= 30
    assert 85 <= figures["nrr_pct"] <= 120
    months = pl.read_parquet(tmp_path / "truth" / "monthly_truth.parquet")
    assert months["month"][0] == dt.date(2023, 9, 1)
    # seasonality: August wins fewer customers than the quarter-end months around it
    by_month = months.group_by(pl.col("month").dt.month()).agg(pl.col("new_customers").sum())
    new = dict(by_month.iter_rows())
    assert new[8] < min(new[6], new[9])

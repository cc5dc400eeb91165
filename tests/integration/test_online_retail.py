"""A real retailer's year through the whole refresh: Online Retail II in, the marts checked.

525,461 real invoice lines read by the `invoice_lines` preset, refreshed once with GBP as the
reporting currency; every figure is checked against an independent Polars computation over the
same file.
"""

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from c360.settings import Settings
from tests.conftest import settings_for

FILE = Path(__file__).parents[1] / "data/real/online-retail-ii-2009-2010/online_retail_II.parquet"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published warehouse of a company whose only source is the retailer's file."""
    from dagster_project.run_refresh import run_refresh

    home = tmp_path_factory.mktemp("retail")
    delivery = home / "landing" / "erp" / "2010-12-10"
    delivery.mkdir(parents=True)
    shutil.copy(FILE, delivery / FILE.name)
    (home / "sources.yml").write_text("sources:\n  erp:\n    preset: invoice_lines\n")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings_for(home, monkeypatch)
        monkeypatch.setenv("C360_REPORTING_CURRENCY", "GBP")
        settings = Settings.from_env()
        for key, value in settings.dbt_env().items():
            monkeypatch.setenv(key, value)
        summary = run_refresh(settings)
        assert summary.success, summary.failures + summary.checks_failed
    return settings.current_pointer.resolve()


def _query(warehouse: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).pl()


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    """The oracle's input: every line but the preset's two rules (docs/onboarding.md).

    Bad-debt write-offs (`A` documents) are not sales; a line whose amount runs against its
    document's kind (a charge on a credit note) has an unknown sign. Both are quarantined.
    """
    amount = pl.col("Quantity").cast(pl.Decimal(18, 4)) * pl.col("Price").cast(pl.Decimal(18, 4))
    write_off = pl.col("Invoice").str.starts_with("A")
    credit = pl.col("Invoice").str.starts_with("C")
    against_kind = pl.when(credit).then(amount > 0).otherwise(amount < 0)
    return (
        pl.read_parquet(FILE)
        .filter(~write_off & ~against_kind)
        .with_columns(amount=amount, month=pl.col("InvoiceDate").str.slice(0, 7))
    )


def test_monthly_net_revenue_in_gbp_equals_quantity_times_price_for_all_13_months(warehouse, lines):
    # Lines are billed to the penny (14 lines price a pad at 0.001 GBP): a month may differ from
    # the unrounded sum by less than a penny.
    marts = _query(
        warehouse,
        "select strftime(month, '%Y-%m') as month, net_revenue, reporting_currency "
        "from marts.rpt_kpi_monthly where net_revenue is not null",
    )
    oracle = lines.group_by("month").agg(pl.col("amount").sum())
    both = oracle.join(marts, on="month", how="full", coalesce=True).sort("month")
    assert both.height == 13 and set(both["reporting_currency"]) == {"GBP"}
    assert ((both["amount"] - both["net_revenue"]).abs().cast(pl.Float64) < 0.01).all(), both


def test_the_customers_are_the_4383_customer_ids(warehouse, lines):
    customers = _query(warehouse, "select * from marts.dim_customers")
    named = customers.filter(~pl.col("customer_key").is_in(_guest_keys(warehouse)))
    assert named.height == lines["Customer ID"].drop_nulls().n_unique() == 4_383


def _guest_keys(warehouse: Path) -> list[str]:
    return _query(warehouse, "select unidentified_customer_key from quality.unidentified_sales")[
        "unidentified_customer_key"
    ].to_list()


def test_guest_sales_are_in_the_revenue_and_count_no_customer(warehouse, lines):
    guest = lines.filter(pl.col("Customer ID").is_null())["amount"].sum()
    kpis = _query(
        warehouse,
        "select sum(net_revenue) as revenue, sum(unidentified_net_revenue) as guest, "
        "max(active_customers) as most_active from marts.rpt_kpi_monthly",
    ).row(0, named=True)
    assert abs(kpis["guest"] - guest) < 0.01 * 13
    assert abs(kpis["revenue"] - lines["amount"].sum()) < 0.01 * 13
    assert kpis["most_active"] <= 4_383
    share = _query(warehouse, "select unidentified_revenue_share from quality.unidentified_sales")
    assert share.item() == pytest.approx(float(guest) / float(lines["amount"].sum()), rel=1e-6)


def test_retention_cohorts_hold_every_acquired_customer_once(warehouse, lines):
    # A customer is acquired in the month of their first invoice, not credit note
    # (docs/metrics.md); stock adjustments at price 0 are quarantined, so they invoice nothing.
    adjustment = (pl.col("Quantity") < 0) & (pl.col("Price") == 0)
    invoiced = lines.filter(
        pl.col("Customer ID").is_not_null() & ~pl.col("Invoice").str.starts_with("C") & ~adjustment
    )
    first = invoiced.group_by("Customer ID").agg(pl.col("month").min())
    oracle = dict(first.group_by("month").len().iter_rows())
    cohorts = _query(
        warehouse,
        "select strftime(acquisition_month, '%Y-%m') as month, cohort_customers "
        "from marts.rpt_retention_cohort where months_since_acquisition = 0",
    )
    assert dict(cohorts.iter_rows()) == oracle
    assert sum(oracle.values()) == first.height


def test_the_clv_model_is_fitted_on_these_customers_and_values_no_unknown_margin(warehouse):
    # BG/NBD counts buying occasions, which need no cost: every customer who bought is scored.
    # The file has no costs, so margin is unknown and no CLV is invented from it.
    clv = _query(
        warehouse,
        "select count(*) as n, count(p_alive) as scored, count(predicted_clv) as valued, "
        "count(expected_margin_per_purchase) as margins from marts.fct_customer_clv",
    ).row(0, named=True)
    acquired = _query(
        warehouse,
        "select sum(cohort_customers) as n from marts.rpt_retention_cohort "
        "where months_since_acquisition = 0",
    )["n"].item()
    assert clv["n"] == clv["scored"] == acquired
    assert clv["valued"] == clv["margins"] == 0
    fit = _query(warehouse, "select * from quality.clv_fit_quality where fit = 'full'").row(
        0, named=True
    )
    # The fit (weekly cadence) learnt from the customers who had bought by its fitted_through.
    known = _query(
        warehouse,
        "select count(*) as n from marts.fct_customer_clv "
        "where as_of_date - t_days <= fitted_through",
    )["n"].item()
    assert fit["bg_nbd_converged"] and fit["customers"] == known > 0

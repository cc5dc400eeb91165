"""The finance marts of the shared clean company against an independent Polars computation over
the landing extracts and against the generator's ground truth."""

from decimal import Decimal

import polars as pl
import pytest

from c360.settings import Settings
from tests.conftest import published
from tests.integration.cost_to_serve_oracle import organisation_profitability
from tests.integration.oracle import open_invoices


def organisation_of_customer(settings: Settings) -> dict[str, str]:
    """customer_key -> true organisation, through the ERP numbers and CRM accounts it holds."""
    organisations = pl.read_parquet(settings.truth_dir / "organisations.parquet")
    records = pl.concat(
        [
            organisations.select("org_id", record=pl.col("erp_customer_numbers")).explode("record"),
            organisations.select("org_id", record=pl.col("crm_account_ids")).explode("record"),
        ]
    )
    bridge = published(
        settings, "select customer_key, source_record_id from marts.bridge_customer_sources"
    )
    pairs = bridge.join(records, left_on="source_record_id", right_on="record").unique(
        ["customer_key", "org_id"]
    )
    assert pairs["customer_key"].is_unique().all(), "a customer spans two true organisations"
    return dict(pairs.select("customer_key", "org_id").iter_rows())


def test_revenue_margin_and_contribution_per_customer_match_an_independent_computation_to_the_cent(
    settings,
):
    expected = organisation_profitability(settings.landing_dir, settings.truth_dir)
    org_of = organisation_of_customer(settings)
    rows = published(
        settings,
        "select customer_key, net_revenue, gross_margin, contribution_margin "
        "from marts.rpt_customer_profitability_lifetime",
    )
    actual = {
        org_of[key]: (revenue, margin, contribution)
        for key, revenue, margin, contribution in rows.iter_rows()
    }
    assert len(expected) >= 60
    assert sum(1 for _, margin, contribution in expected.values() if contribution < margin) > 50
    assert actual == expected


def test_customer_revenue_per_month_equals_the_generators_truth(settings):
    truth = pl.read_parquet(settings.truth_dir / "customer_months.parquet")
    expected = {
        (org, month): revenue
        for org, month, revenue in truth.select("org_id", "month", "net_revenue_eur").iter_rows()
        if revenue != 0
    }
    org_of = organisation_of_customer(settings)
    rows = published(
        settings,
        "select customer_key, month, net_revenue from marts.rpt_customer_profitability "
        "where net_revenue != 0",
    )
    actual = {(org_of[key], month): revenue for key, month, revenue in rows.iter_rows()}
    assert len(expected) > 200
    assert actual == expected


def test_open_receivables_per_invoice_match_the_extracts(settings):
    expected = open_invoices(settings.landing_dir)
    rows = published(
        settings,
        "select invoice_number, open_amount_document from marts.fct_receivables "
        "where open_amount_document != 0",
    )
    assert len(expected) > 10
    assert dict(rows.iter_rows()) == expected


def test_the_latest_receivables_snapshot_adds_up_to_the_open_invoices_and_feeds_dso(settings):
    [(snapshot_open, invoice_open, kpi_dso, revenue_90d)] = published(
        settings,
        """
        with latest as (select max(month) as month from marts.rpt_receivables_monthly)
        select
            (select sum(open_amount) from marts.rpt_receivables_monthly
             where month = (select month from latest)),
            (select sum(open_amount) from marts.fct_receivables),
            (select dso_days from marts.rpt_kpi_monthly
             where month = (select month from latest)),
            (select sum(net_revenue) from marts.fct_invoice_lines
             where invoice_date > (select max(as_of_date) from marts.fct_receivables) - 90)
        """,
    ).iter_rows()
    assert snapshot_open == invoice_open > 0
    assert kpi_dso == pytest.approx(float(invoice_open) * 90 / float(revenue_90d))


def test_every_margin_dimension_splits_the_same_monthly_revenue(settings):
    totals = published(
        settings,
        "select dimension, sum(net_revenue) as revenue, count(distinct month) as months "
        "from marts.rpt_margin_monthly group by dimension",
    )
    [(kpi_revenue,)] = published(
        settings, "select sum(net_revenue) from marts.rpt_kpi_monthly"
    ).iter_rows()
    assert sorted(totals["dimension"]) == [
        "category",
        "country",
        "product",
        "product_line",
        "sales_owner",
        "segment",
    ]
    assert set(totals["revenue"]) == {kpi_revenue}


def test_kpi_month_contribution_is_gross_margin_less_cost_to_serve(settings):
    rows = published(
        settings,
        "select gross_margin, cost_to_serve, unattributed_cost_to_serve, contribution_margin "
        "from marts.rpt_kpi_monthly",
    )
    assert (rows["cost_to_serve"] > 0).sum() >= 24
    assert rows["unattributed_cost_to_serve"].sum() == Decimal(0)
    assert (rows["contribution_margin"] == rows["gross_margin"] - rows["cost_to_serve"]).all()


def test_projects_and_utilisation_agree_on_the_hours_worked(settings):
    [(project_hours, utilisation_hours, billed_projects, billed_utilisation, top_rate)] = published(
        settings,
        """
        select
            (select sum(billable_hours) from marts.rpt_project_economics),
            (select sum(billable_hours) from marts.rpt_utilisation_monthly
             where grain = 'employee'),
            (select sum(billed_hours) from marts.rpt_project_economics),
            (select sum(billed_hours) from marts.rpt_utilisation_monthly
             where grain = 'department'),
            (select max(utilisation_rate) from marts.rpt_utilisation_monthly)
        """,
    ).iter_rows()
    assert project_hours == utilisation_hours > 0
    # Billed hours of the newest month bill work of the month before the history's start at the
    # earliest, so both totals only differ by rounding of the shares.
    assert abs(billed_projects - billed_utilisation) < Decimal("0.1")
    assert 0 < top_rate <= 1.5


def test_the_lifetime_whale_curve_ends_at_exactly_one(settings):
    curve = published(
        settings,
        "select contribution_rank, cumulative_contribution_share "
        "from marts.rpt_customer_profitability_lifetime order by contribution_rank",
    )
    assert curve["cumulative_contribution_share"][-1] == 1.0
    assert curve["contribution_rank"].to_list() == list(range(1, curve.height + 1))

"""The Retention page and rpt_churned_customers on the integration company: tiles against the KPI
mart, the churned list against the KPI mart's count and against the invoice lines."""

import datetime as dt

import polars as pl

from dashboards.formatting import count, money, percent
from tests.dashboards.app import latest_complete_month, mart, run_page, shown_table, tiles


def test_retention_tiles_equal_the_kpi_mart(published):
    month = latest_complete_month(published)
    shown = tiles(run_page("retention"))
    assert shown["NRR (12 months)"] == percent(month["nrr_12m"])
    assert shown["GRR (12 months)"] == percent(month["grr_12m"])
    all_revenue = "revenue retention, all revenue (12 months)"
    assert shown[f"Net {all_revenue}"] == percent(month["nrr_all_revenue_12m"])
    assert shown[f"Gross {all_revenue}"] == percent(month["grr_all_revenue_12m"])
    assert month["nrr_12m"] != month["nrr_all_revenue_12m"]
    assert shown["Churned customers"] == count(month["churned_customers"])


def test_the_churned_list_holds_the_customers_the_kpi_mart_counts_each_month(published):
    kpis = mart(
        published,
        "select month, churned_customers from marts.rpt_kpi_monthly where is_complete_month "
        "order by month desc limit 12",
    )
    churned = shown_table(run_page("retention"), "churn_reason")
    per_month = dict(churned.group_by("churn_month").len().iter_rows())
    assert {m: per_month.get(m, 0) for m in kpis["month"]} == dict(kpis.iter_rows())
    assert kpis["churned_customers"].sum() > 0  # the company has churn to list


def test_a_churned_customers_value_is_its_invoiced_revenue_before_the_churn(published):
    lines = mart(
        published,
        "select customer_key, invoice_month, net_revenue, gross_margin "
        "from marts.fct_invoice_lines",
    )
    churns = mart(published, "select * from marts.rpt_churned_customers")
    assert churns.height > 0
    for churn in churns.iter_rows(named=True):
        month = churn["churn_month"]
        year_before = dt.date(month.year - 1, month.month, 1)
        own = lines.filter(pl.col("customer_key") == churn["customer_key"])
        upto = own.filter(pl.col("invoice_month") <= month)
        before = own.filter(pl.col("invoice_month").is_between(year_before, month, closed="left"))
        assert churn["lifetime_net_revenue"] == upto["net_revenue"].sum()
        assert churn["lifetime_gross_margin"] == upto["gross_margin"].sum()
        assert churn["net_revenue_12m_before"] == before["net_revenue"].sum()


def test_the_heatmap_figures_are_the_retention_cohorts_of_complete_months(published):
    month = latest_complete_month(published)["month"]
    expected = mart(
        published,
        "select acquisition_month, months_since_acquisition, logo_retention "
        f"from marts.rpt_retention_cohort where is_complete_month and month <= '{month}' "
        f"and acquisition_month > date '{month}' - interval 24 month",
    )
    shown = shown_table(run_page("retention"), "logo_retention")
    key = ["acquisition_month", "months_since_acquisition"]
    assert shown.select(*key, "logo_retention").sort(key).equals(expected.sort(key))


def test_the_arr_bridge_tiles_and_figures_are_the_bridge_mart_of_complete_months(published):
    month = latest_complete_month(published)["month"]
    bridge = mart(
        published,
        "select * exclude (is_complete_month) from marts.rpt_arr_bridge "
        f"where is_complete_month and month <= '{month}' order by month desc limit 24",
    )
    app = run_page("retention")
    shown = tiles(app)
    this_month = bridge.row(0, named=True)
    assert shown["Opening ARR"] == money(this_month["opening_arr"], "EUR")
    assert shown["+ New"] == money(this_month["new_arr"], "EUR")
    assert shown["− Churn"] == money(this_month["churned_arr"], "EUR")
    assert shown["= Closing ARR"] == money(this_month["closing_arr"], "EUR")
    figures = shown_table(app, "opening_arr")
    assert figures.select(bridge.columns).equals(bridge)
    assert bridge["closing_arr"].sum() > 0

"""The Acquisition and value page on the integration company, checked against the value marts."""

from dashboards.formatting import money
from tests.dashboards.app import latest_complete_month, mart, run_page, shown_table, tiles


def test_blended_cac_is_the_kpi_marts_and_every_scored_customer_is_counted(published):
    month = latest_complete_month(published)
    scored = mart(published, "select predicted_clv from marts.fct_customer_clv")
    shown = tiles(run_page("acquisition"))
    assert shown["Blended CAC"] == money(month["blended_cac"], "EUR")
    assert shown["New customers"] == f"{month['new_customers']:,}"
    assert shown["Customers scored"] == f"{scored.height:,}"
    assert shown["Total predicted CLV"] == money(scored["predicted_clv"].sum(), "EUR")


def test_unit_economics_by_channel_are_the_quarter_cohorts_rows(published):
    month = latest_complete_month(published)["month"]
    quarters = mart(
        published,
        "select distinct cohort_start from marts.rpt_unit_economics where cohort_grain = "
        f"'quarter' and cohort_start <= '{month}' order by 1 desc",
    )["cohort_start"]
    quarter = quarters[min(1, len(quarters) - 1)]  # the page opens on the quarter before last
    expected = mart(
        published,
        "select channel, ltv_to_cac, payback_months from marts.rpt_unit_economics "
        f"where cohort_grain = 'quarter' and cohort_start = '{quarter}'",
    )
    shown = shown_table(run_page("acquisition"), "ltv_to_cac")
    assert sorted(shown.select("channel", "ltv_to_cac", "payback_months").rows()) == sorted(
        expected.rows()
    )


def test_the_ltv_curve_is_the_cohorts_complete_months(published):
    cohorts = mart(
        published,
        "select distinct acquisition_month from marts.rpt_ltv_cohort order by 1 desc",
    )["acquisition_month"]
    month = latest_complete_month(published)["month"]
    cohorts = [c for c in cohorts if c <= month]
    cohort = cohorts[min(12, len(cohorts) - 1)]
    expected = mart(
        published,
        "select months_since_acquisition, ltv_per_customer from marts.rpt_ltv_cohort "
        f"where acquisition_month = '{cohort}' and is_complete_month",
    )
    shown = shown_table(run_page("acquisition"), "ltv_per_customer")
    assert dict(shown.select("months_since_acquisition", "ltv_per_customer").iter_rows()) == dict(
        expected.iter_rows()
    )

"""The Pipeline page on the integration company, checked against the pipeline marts."""

import polars as pl

from dashboards.formatting import days, money, percent
from tests.dashboards.app import latest_complete_month, mart, run_page, shown_table, tiles


def test_open_and_weighted_pipeline_equal_the_pipeline_mart(published):
    open_deals = mart(published, "select * from marts.rpt_pipeline")
    shown = tiles(run_page("pipeline"))
    assert shown["Open pipeline"] == money(open_deals["open_amount"].sum(), "EUR")
    assert shown["Weighted pipeline"] == money(open_deals["weighted_amount"].sum(), "EUR")
    assert shown["Open deals"] == f"{open_deals['open_opportunities'].sum():,}"


def test_win_rate_and_sales_cycle_are_those_of_the_deals_closed_in_the_last_12_months(published):
    month = latest_complete_month(published)["month"]
    closed = mart(
        published,
        "select * from marts.rpt_pipeline_outcomes "
        f"where close_month > date '{month}' - interval 12 month and close_month <= '{month}'",
        personal_data=True,  # the page's local admin reads owners' names
    )
    won, lost = closed["won_opportunities"].sum(), closed["lost_opportunities"].sum()
    assert won + lost > 0
    app = run_page("pipeline")
    shown = tiles(app)
    assert shown["Win rate"] == percent(won / (won + lost))
    assert shown["Sales cycle"] == days(closed["won_sales_cycle_days_total"].sum() / won)
    owners = shown_table(app, "win_rate_by_count").filter(pl.col("owner_name") != "All owners")
    expected = closed.group_by("owner_name").agg(pl.col("won_opportunities").sum())
    assert dict(owners.select("owner_name", "won_opportunities").iter_rows()) == dict(
        expected.iter_rows()
    )

"""The Projects and receivables page on the integration company, checked against the marts."""

from dashboards.formatting import days, money, percent
from tests.dashboards.app import latest_complete_month, mart, run_page, shown_table, tiles


def test_receivables_tiles_equal_the_month_end_snapshot_and_the_kpi_marts_dso(published):
    month = latest_complete_month(published)
    snapshot = mart(
        published,
        f"select * from marts.rpt_receivables_monthly where month = '{month['month']}'",
    )
    shown = tiles(run_page("projects"))
    assert shown["Open receivables"] == money(snapshot["open_amount"].sum(), "EUR")
    assert shown["Overdue"] == money(snapshot["overdue_amount"].sum(), "EUR")
    assert shown["DSO"] == days(month["dso_days"])


def test_overdue_invoices_are_the_overdue_receivables(published):
    overdue = mart(published, "select invoice_number from marts.fct_receivables where is_overdue")
    default = run_page("projects").dataframe
    assert not [f for f in default if f.value is not None and "days_past_due" in f.value.columns]
    app = run_page("projects", tab="Receivables")  # only the open tab is drawn
    if overdue.is_empty():
        assert "No overdue invoice." in [i.value for i in app.info]
    else:
        shown = shown_table(app, "days_past_due")
        assert sorted(shown["invoice_number"]) == sorted(overdue["invoice_number"])


def test_projects_and_utilisation_equal_their_marts(published):
    month = latest_complete_month(published)["month"]
    projects = mart(published, "select project_id, margin from marts.rpt_project_economics")
    departments = mart(
        published,
        "select department, utilisation_rate from marts.rpt_utilisation_monthly "
        f"where grain = 'department' and month = '{month}'",
    )
    app = run_page("projects")
    shown = shown_table(app, "timesheet_cost")
    assert dict(shown.select("project_id", "margin").iter_rows()) == dict(projects.iter_rows())
    assert departments.height > 0
    shown_tiles = tiles(app)
    for department, rate in departments.iter_rows():
        assert shown_tiles[f"{department} utilisation"] == percent(rate)

"""The overview page, run by Streamlit's AppTest: on a hand-made warehouse whose figures are known,
and on the integration company against its marts."""

import datetime as dt
from decimal import Decimal

import duckdb
import polars as pl

from c360.personal_data import create_declarations
from c360.publish import publish
from dashboards.filters import Filters
from dashboards.formatting import days, money, percent, ratio
from dashboards.queries.overview import revenue_trend
from tests.conftest import settings_for
from tests.dashboards.app import mart, run_page, tiles

KPI_ROWS = [
    # month, revenue, cogs, margin, pct, new, active, lines, complete
    (dt.date(2025, 7, 1), "50000.00", "30000.00", "20000.00", 0.40, 2, 20, 100, True),
    (dt.date(2025, 8, 1), "50000.00", "25000.00", "25000.00", 0.50, 3, 22, 110, True),
    (dt.date(2026, 7, 1), "100000.00", "60000.00", "40000.00", 0.40, 4, 50, 300, True),
    (dt.date(2026, 8, 1), "125000.00", "70000.00", "55000.00", 0.44, 6, 53, 320, True),
    (dt.date(2026, 9, 1), "20000.00", "12000.00", "8000.00", 0.40, 1, 53, 40, False),
]


def publish_kpis(settings) -> None:
    """A build database with only the marts the overview reads, published."""
    settings.public_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.public_db))
    create_declarations(con)
    con.execute("create schema marts")
    con.execute(
        "create table marts.rpt_kpi_monthly (month date, reporting_currency varchar, "
        "net_revenue decimal(18,2), cogs decimal(18,2), gross_margin decimal(18,2), "
        "gross_margin_pct double, new_customers integer, active_customers integer, "
        "invoice_lines integer, is_complete_month boolean)"
    )
    con.executemany(
        "insert into marts.rpt_kpi_monthly values (?, 'EUR', ?, ?, ?, ?, ?, ?, ?, ?)",
        [(m, Decimal(r), Decimal(c), Decimal(g), *rest) for m, r, c, g, *rest in KPI_ROWS],
    )
    # The year to date as rpt_kpi_year_to_date publishes it (its arithmetic is the model's dbt
    # unit test, with these figures): July + August of each year, margin % the ratio of sums.
    con.execute(
        "create table marts.rpt_kpi_year_to_date (month date, net_revenue decimal(18,2), "
        "gross_margin decimal(18,2), gross_margin_pct double, new_customers integer, "
        "active_customers integer)"
    )
    con.executemany(
        "insert into marts.rpt_kpi_year_to_date values (?, ?, ?, ?, ?, ?)",
        [
            (dt.date(2025, 7, 1), Decimal("50000.00"), Decimal("20000.00"), 0.40, 2, 20),
            (dt.date(2025, 8, 1), Decimal("100000.00"), Decimal("45000.00"), 0.45, 5, 22),
            (dt.date(2026, 7, 1), Decimal("100000.00"), Decimal("40000.00"), 0.40, 4, 50),
            (dt.date(2026, 8, 1), Decimal("225000.00"), Decimal("95000.00"), 95 / 225, 10, 53),
        ],
    )
    con.execute(
        "create table marts.dim_customers as select 'K1' as customer_key, 'SMB' as segment, "
        "'FR' as country_code, 'Webinar' as acquisition_channel"
    )
    con.execute(
        "create table marts.rpt_customer_monthly as select 'K1' as customer_key, "
        "date '2026-08-01' as month, 'SMB' as segment, 'FR' as country_code, "
        "'Webinar' as acquisition_channel, 1000.00::decimal(18,2) as net_revenue, "
        "400.00::decimal(18,2) as gross_margin"
    )
    con.close()
    publish(settings)


def both_tile_rows(app) -> tuple[dict, dict]:
    """(month tiles, year-to-date tiles): label -> (value, delta), in page order."""
    metrics = [(m.label, (m.value, m.delta)) for m in app.metric]
    half = len(metrics) // 2
    return dict(metrics[:half]), dict(metrics[half:])


def test_overview_shows_the_last_complete_month_against_the_one_before(tmp_path, monkeypatch):
    publish_kpis(settings_for(tmp_path, monkeypatch))
    month, _ = both_tile_rows(run_page())
    assert month == {
        "Net revenue": ("125.00 k EUR", "+25.0 %"),
        "Gross margin": ("55.00 k EUR", "+37.5 %"),
        "Gross margin %": ("44.0 %", "+4.0 pts"),
        "New customers": ("6", "+50.0 %"),
        "Active customers": ("53", "+6.0 %"),
    }


def test_year_to_date_adds_months_up_and_compares_with_the_same_months_a_year_before(
    tmp_path, monkeypatch
):
    publish_kpis(settings_for(tmp_path, monkeypatch))
    app = run_page()
    _, ytd = both_tile_rows(app)
    # The year-to-date mart's August 2026 against its August 2025.
    assert ytd == {
        "Net revenue": ("225.00 k EUR", "+125.0 %"),
        "Gross margin": ("95.00 k EUR", "+111.1 %"),
        "Gross margin %": ("42.2 %", "-2.8 pts"),
        "New customers": ("10", "+100.0 %"),
        "Active customers": ("53", "+140.9 %"),
    }
    assert "Year to date 2026 (January–August)" in [s.value for s in app.subheader]


def test_the_month_filter_moves_the_tiles_and_stays_in_the_url(tmp_path, monkeypatch):
    publish_kpis(settings_for(tmp_path, monkeypatch))
    app = run_page(month="2026-07")
    month, ytd = both_tile_rows(app)
    assert month["Net revenue"] == ("100.00 k EUR", "")  # no June 2026 to compare with
    assert ytd["Net revenue"] == ("100.00 k EUR", "+100.0 %")
    assert "July 2026" in app.caption[0].value
    app.sidebar.selectbox(key="month").select("2026-08").run()
    assert both_tile_rows(app)[0]["Net revenue"][0] == "125.00 k EUR"


def test_overview_explains_what_to_do_when_nothing_is_published(tmp_path, monkeypatch):
    settings_for(tmp_path, monkeypatch)
    app = run_page()
    assert "c360 refresh" in app.info[0].value
    assert not app.metric


def test_overview_tiles_equal_the_kpi_mart_of_the_integration_company(published):
    kpis = mart(
        published,
        "select * from marts.rpt_kpi_monthly where is_complete_month order by month desc limit 1",
    ).row(0, named=True)
    shown = tiles(run_page())
    assert shown["Net revenue"] == money(kpis["net_revenue"], "EUR")
    assert shown["Gross margin"] == money(kpis["gross_margin"], "EUR")
    assert shown["Active customers"] == f"{kpis['active_customers']:,}"


def test_a_segment_filter_trends_only_that_segments_invoice_lines(published):
    lines = mart(
        published,
        "select l.invoice_month as month, l.net_revenue, d.segment from marts.fct_invoice_lines l "
        "join marts.dim_customers d using (customer_key)",
    )
    segment = lines["segment"].drop_nulls().mode().sort()[0]
    expected = (
        lines.filter(pl.col("segment") == segment)
        .group_by("month")
        .agg(pl.col("net_revenue").sum())
    )
    version = published.current_pointer.resolve().name
    trend = revenue_trend(version, Filters(segment=segment)).filter(pl.col("net_revenue") != 0)
    assert dict(trend.select("month", "net_revenue").iter_rows()) == dict(
        expected.filter(pl.col("month").is_in(trend["month"].implode())).iter_rows()
    )
    assert trend.height >= 12


def test_a_new_publication_shows_on_the_next_rerun_without_a_restart(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, monkeypatch)
    publish_kpis(settings)
    app = run_page()
    assert tiles(app)["Net revenue"] == "125.00 k EUR"
    con = duckdb.connect(str(settings.public_db))
    con.execute("update marts.rpt_kpi_monthly set net_revenue = 130000 where month = '2026-08-01'")
    con.close()
    publish(settings)
    app.run()
    assert tiles(app)["Net revenue"] == "130.00 k EUR"


def test_a_refresh_holding_the_build_database_does_not_disturb_the_pages(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, monkeypatch)
    publish_kpis(settings)
    writer = duckdb.connect(str(settings.public_db))  # as a running refresh holds it
    try:
        writer.execute("delete from marts.rpt_kpi_monthly")
        assert tiles(run_page())["Net revenue"] == "125.00 k EUR"
    finally:
        writer.close()


def test_the_newer_kpi_tiles_equal_the_kpi_mart_and_ltv_to_cac_the_last_complete_quarter(
    published,
):
    kpis = mart(
        published,
        "select * from marts.rpt_kpi_monthly where is_complete_month order by month desc limit 1",
    ).row(0, named=True)
    quarter = mart(
        published,
        "select ltv_to_cac from marts.rpt_unit_economics where cohort_grain = 'quarter' and "
        f"is_blended and cohort_start + interval 2 month <= date '{kpis['month']}' "
        "order by cohort_start desc limit 1",
    )["ltv_to_cac"][0]
    month, ytd = both_tile_rows_with_ltv(run_page())
    assert month["Contribution margin"][0] == money(kpis["contribution_margin"], "EUR")
    assert month["Churned customers"][0] == f"{kpis['churned_customers']:,}"
    assert month["Blended CAC"][0] == money(kpis["blended_cac"], "EUR")
    assert month["NRR"][0] == percent(kpis["nrr_12m"])
    assert month["DSO"][0] == days(kpis["dso_days"])
    assert month["LTV:CAC"][0] == ratio(quarter)
    # Year to date: NRR and DSO are the month's, CAC has no year-to-date value in the KPI mart.
    assert ytd["NRR"][0] == month["NRR"][0]
    assert ytd["Blended CAC"][0] == "—"
    assert "LTV:CAC" not in ytd


def both_tile_rows_with_ltv(app) -> tuple[dict, dict]:
    """(month tiles, year-to-date tiles) when the month row also has the LTV:CAC tile."""
    metrics = [(m.label, (m.value, m.delta)) for m in app.metric]
    half = (len(metrics) - 1) // 2 + 1
    return dict(metrics[:half]), dict(metrics[half:])


def test_the_arr_nrr_and_grr_tiles_equal_the_kpi_mart_and_define_themselves_in_their_help(
    published,
):
    kpis = mart(
        published,
        "select * from marts.rpt_kpi_monthly where is_complete_month order by month desc limit 1",
    ).row(0, named=True)
    app = run_page()
    shown = {m.label: m for m in app.metric}  # the last of each label: the year-to-date row
    month = {m.label: m for m in reversed(app.metric)}
    assert month["ARR"].value == money(kpis["arr"], "EUR")
    assert month["NRR"].value == percent(kpis["nrr_12m"])
    assert month["GRR"].value == percent(kpis["grr_12m"])
    assert kpis["arr"] > 0 and kpis["nrr_12m"] is not None
    # ARR is a state at month end, NRR and GRR look back 12 months: the year to date is the month.
    assert [shown[label].value for label in ("ARR", "NRR", "GRR")] == [
        month[label].value for label in ("ARR", "NRR", "GRR")
    ]
    assert "12 x MRR" in month["ARR"].help and "not recurring" in month["ARR"].help
    assert "ARR 12 months earlier" in month["NRR"].help
    assert "capped" in month["GRR"].help

"""The overview page, run by Streamlit's AppTest against a published warehouse."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from c360.publish import publish
from tests.conftest import settings_for

APP = str(Path(__file__).parents[2] / "dashboards" / "streamlit_app.py")

KPI_ROWS = [
    # month, revenue, cogs, margin, pct, new, active, lines, complete
    (dt.date(2026, 7, 1), "100000.00", "60000.00", "40000.00", 0.40, 4, 50, 300, True),
    (dt.date(2026, 8, 1), "125000.00", "70000.00", "55000.00", 0.44, 6, 53, 320, True),
    (dt.date(2026, 9, 1), "20000.00", "12000.00", "8000.00", 0.40, 1, 53, 40, False),
]


def publish_kpis(settings) -> None:
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.build_db))
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
    con.close()
    publish(settings)


def run_app() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_overview_shows_the_last_complete_month_against_the_one_before(tmp_path, monkeypatch):
    publish_kpis(settings_for(tmp_path, monkeypatch))
    app = run_app()
    tiles = {m.label: (m.value, m.delta) for m in app.metric}
    assert tiles["Net revenue"] == ("125.00 k EUR", "+25.0 %")
    assert tiles["Gross margin"] == ("55.00 k EUR", "+37.5 %")
    assert tiles["Gross margin %"] == ("44.0 %", "+4.0 pts")
    assert tiles["New customers"] == ("6", "+50.0 %")
    assert tiles["Active customers"] == ("53", "+6.0 %")
    assert "August 2026" in app.caption[0].value


def test_overview_explains_what_to_do_when_nothing_is_published(tmp_path, monkeypatch):
    settings_for(tmp_path, monkeypatch)
    app = run_app()
    assert "c360 refresh" in app.info[0].value
    assert not app.metric

"""Helpers of the dashboard tests: run a page with AppTest, read a mart the way the oracle does."""

from pathlib import Path

import polars as pl
from streamlit.testing.v1 import AppTest

from c360.serving import connect_readonly
from c360.settings import Settings

APP = str(Path(__file__).parents[2] / "dashboards" / "streamlit_app.py")


def run_page(page: str | None = None, **query_params: str) -> AppTest:
    """Run the app (on `views/<page>.py` when given) and fail on any exception it shows."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    if page:
        app.switch_page(f"views/{page}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def mart(settings: Settings, sql: str) -> pl.DataFrame:
    """A query on the published warehouse, outside the dashboards' own loaders."""
    con = connect_readonly(settings)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def tiles(app: AppTest) -> dict[str, str]:
    """Metric label -> value, first occurrence of each label."""
    shown: dict[str, str] = {}
    for metric in app.metric:
        shown.setdefault(metric.label, metric.value)
    return shown

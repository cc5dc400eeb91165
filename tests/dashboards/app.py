"""Helpers of the dashboard tests: run a page with AppTest, read a mart the way the oracle does."""

from pathlib import Path

import polars as pl
from streamlit.testing.v1 import AppTest

from c360.serving import connect_readonly, resolve_current
from c360.settings import Settings

DASHBOARDS = Path(__file__).parents[2] / "dashboards"
APP = str(DASHBOARDS / "streamlit_app.py")


def run_page(page: str | None = None, **query_params: str) -> AppTest:
    """Run the app, or `views/<page>.py` opened directly as a bookmarked URL would open it (with
    `query_params`), and fail on any exception it shows."""
    script = APP if page is None else str(DASHBOARDS / "views" / f"{page}.py")
    app = AppTest.from_file(script, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def mart(settings: Settings, sql: str, personal_data: bool = False) -> pl.DataFrame:
    """A query on the published warehouse, outside the dashboards' own loaders.

    The masked file, or its copy with personal data: what a page run here shows, since the
    reader of an AppTest is the local admin (no sign-in configured, c360.access).
    """
    con = connect_readonly(settings, resolve_current(settings, personal_data=personal_data))
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


def shown_table(app: AppTest, column: str, index: int = 0) -> pl.DataFrame:
    """The `index`-th table on the page that has `column`, as a Polars frame.

    AppTest hands tables back through pandas, which turns dates into midnight datetimes: they
    are turned back into dates, as the marts have them.
    """
    frames = [f.value for f in app.dataframe if f.value is not None and column in f.value.columns]
    frame = frames[index]
    frame = frame if isinstance(frame, pl.DataFrame) else pl.from_pandas(frame)
    return frame.with_columns(pl.col(pl.Datetime).dt.date())


def latest_complete_month(settings: Settings) -> dict:
    """The last complete month's row of rpt_kpi_monthly (what the pages show by default)."""
    return mart(
        settings,
        "select * from marts.rpt_kpi_monthly where is_complete_month order by month desc limit 1",
    ).row(0, named=True)

"""Serve the dashboards: Streamlit in this process, started once what a first page needs is loaded.

Streamlit runs every page in the server's own process (a thread per session). Started as
`streamlit run` in a child process, the first page opened after a start paid for the imports the
first script run triggers: pandas (294 modules, pulled in by Streamlit's dataframe and chart
code), numpy, pyarrow, narwhals, plotly's figure and JSON code. At 100,000 customers that first
page took 3.2 s in chromium where the same page took 0.4 s next. Importing them here, before the
server listens, moves that cost before the first reader.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

import dashboards.queries

APP = Path(__file__).with_name("streamlit_app.py")

# Modules the first script run imported that the server had not (measured: sys.modules before
# and after a first run of the app, streamlit, polars, duckdb and plotly already imported).
WARM_MODULES = (
    "pandas",
    "numpy",
    "pyarrow",
    "narwhals",
    "orjson",
    "polars",
    "duckdb",
    "plotly.graph_objects",
    "plotly.io",
    "plotly.colors",
    "pyarrow.pandas_compat",
    "pyarrow.vendored.version",
    "streamlit.material_icon_names",
    "streamlit.runtime.scriptrunner.magic_funcs",
    "dashboards.components",
    "dashboards.data",
    "dashboards.filters",
    "dashboards.formatting",
    "dashboards.auth",
    # The Pipeline page compiles its win rates with MetricFlow (dashboards.queries.catalogue):
    # its import is the slow part of the first compile.
    "metricflow.engine.metricflow_engine",
    "metricflow_semantics.model.semantic_manifest_lookup",
    "metricflow_semantics.model.dbt_manifest_parser",
    "metricflow.sql.render.duckdb_renderer",
)


def warm_up() -> None:
    """Import what the pages use, and draw one of each chart kind they draw.

    plotly creates a trace type's validators the first time a figure uses it, so a figure with
    each kind (line, bar, heatmap, reference line) serialised once leaves nothing to build on
    the first page.
    """
    for name in WARM_MODULES:
        importlib.import_module(name)
    for module in pkgutil.iter_modules(dashboards.queries.__path__):
        importlib.import_module(f"dashboards.queries.{module.name}")
    import plotly.graph_objects as go
    import polars as pl

    series = pl.Series([0.0, 1.0])  # pages hand plotly Polars series (through narwhals)
    figure = go.Figure()
    figure.add_scatter(x=series, y=series, mode="lines+markers", line={"dash": "dot"})
    figure.add_bar(x=series, y=series)
    figure.add_heatmap(z=[[0, 1]], x=series, colorscale="Blues", colorbar={"title": "warm"})
    figure.add_hline(y=1, line_dash="dot", annotation_text="warm")
    figure.update_layout(
        xaxis_title="x", yaxis_title="y", yaxis_tickformat=".0%", margin={"t": 10}, height=300
    )
    figure.to_json()


def file_watcher_type() -> str:
    """Streamlit's source watching: off unless `STREAMLIT_SERVER_FILE_WATCHER_TYPE` asks for it.

    Watching is for someone editing the pages (a saved file reruns them). A served app gains
    nothing from it and pays on every script run: Streamlit resolves the path of every imported
    module (thousands: polars, plotly, pandas) to find the ones to watch, and polls or watches
    each. Set the variable to `auto` while editing the dashboards.
    """
    return os.environ.get("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none")


def serve(port: int, address: str = "127.0.0.1", secrets: Path | None = None) -> int:
    """Warm up, then run `streamlit run` on the app in this process until it is stopped.

    `secrets` is c360's sign-in settings file (Streamlit's `[auth]` section): given as Streamlit's
    only secrets file, so a stray `~/.streamlit/secrets.toml` plays no part.
    """
    warm_up()
    from streamlit.web import cli

    status = cli.main(
        args=[
            "run",
            str(APP),
            "--server.port",
            str(port),
            "--server.address",
            address,
            *(["--secrets.files", str(secrets)] if secrets else []),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--client.toolbarMode",
            "viewer",
            "--server.fileWatcherType",
            file_watcher_type(),
        ],
        prog_name="streamlit",
        standalone_mode=False,
    )
    return status if isinstance(status, int) else 0

"""Building blocks every page uses the same way: tables with a CSV download, empty states."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st

from c360 import audit
from c360.settings import Settings
from dashboards.auth import who

NO_DATA = "No data for this filter."


def empty_state(message: str = NO_DATA) -> None:
    """Say plainly that there is nothing to show, instead of an empty chart or table."""
    st.info(message, icon=":material/filter_alt_off:")


UNKNOWN = "unknown"
"""What a tile shows when the data to compute it was never delivered (not a dash, not a zero)."""


def coverage_notes(gaps: pl.DataFrame) -> None:
    """Say which source is missing and what it leaves empty or unknown, one note per entity.

    `gaps` is dashboards.queries.quality.coverage_gaps: the messages come from the mart, so
    every page words a gap the same way ("no product_costs in the ERP extracts: ... unknown").
    A substituted entity (ECB rates for a missing FX table) is information, not a warning.
    """
    for row in gaps.iter_rows(named=True):
        if row["consequence"] == "substituted":
            st.caption(f":material/info: {row['message']}")
        else:
            st.warning(row["message"], icon=":material/database_off:")


def gap_reason(gaps: pl.DataFrame, topic: str) -> str | None:
    """The messages of the gaps of `topic`, joined, for a tile's help; None when there is none."""
    rows = gaps.filter((pl.col("topic") == topic) & (pl.col("consequence") != "substituted"))
    return "; ".join(rows["message"].to_list()) or None


# Column name endings of ratios the marts store as fractions (0.25), shown as 25 %.
PERCENT_SUFFIXES = ("_rate", "_pct", "_share", "_retention", "_by_count", "_by_amount", "p_alive")


# Streamlit's "percent" format shows two decimals of the percentage: four of the fraction.
PERCENT_FRACTION_DECIMALS = 4


def ratio_columns(frame: pl.DataFrame) -> list[str]:
    """The columns a table shows as percentages: floats named like the marts' ratios."""
    return [
        name
        for name, dtype in frame.schema.items()
        if dtype.is_float() and name.endswith(PERCENT_SUFFIXES)
    ]


# The scale of the marts' amounts (and of most hours): decimal(18, 2).
AMOUNT_SCALE = 2


def amount_columns(frame: pl.DataFrame) -> list[str]:
    """The columns a table shows as amounts: decimals of two places, as the marts store money.

    Other decimals (an exchange rate's ten places, hours billed to four) keep every place.
    """
    return [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Decimal) and dtype.scale == AMOUNT_SCALE
    ]


def default_formats(frame: pl.DataFrame) -> dict[str, object]:
    """How a table shows dates (2026-08-01), ratios (25.00 %) and amounts ((180,618.47)).

    A date is not a midnight timestamp; an amount has its thousands marked, both places and a
    loss in parentheses (-180618.47 above). Only the display changes: the CSV download keeps
    the marts' raw values.
    """
    formats: dict[str, object] = {
        name: st.column_config.DateColumn(format="YYYY-MM-DD")
        for name, dtype in frame.schema.items()
        if dtype == pl.Date
    }
    for name in ratio_columns(frame):
        formats[name] = st.column_config.NumberColumn(format="percent")
    for name in amount_columns(frame):
        formats[name] = st.column_config.NumberColumn(format="accounting")
    return formats


def unsigned_zero_ratios(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every ratio that shows as 0.00 % set to zero, so that none shows "-0.00 %".

    The browser formats a negative number that rounds to zero (a change of -0.00004), and a
    negative zero, with its minus sign. Only the display changes: the CSV keeps the raw values.
    """
    return frame.with_columns(
        pl.when(pl.col(name).round(PERCENT_FRACTION_DECIMALS) == 0)
        .then(0.0)
        .otherwise(pl.col(name))
        .alias(name)
        for name in ratio_columns(frame)
    )


# Rows a table sends to the browser. At 100,000 customers some lists have 14,000-21,000 rows
# (overdue invoices, projects, churned customers): sending them on every page view cost up to
# 12 MB a page (Projects and receivables: 11.7 MB, 2.5-3.2 s in chromium); a reader looks at the
# first rows, the CSV holds them all.
MAX_ROWS = 1_000


def download_csv(label: str, rows: Callable[[], pl.DataFrame], name: str) -> None:
    """A CSV download of `rows()`, built only when the button is clicked.

    Streamlit runs a callable `data` on click, on its own thread (`st.download_button` docs,
    1.67): a page view neither writes the CSV nor holds its bytes, however long the list. The
    click is audited there, once per download; who clicked is read now, in the page's run,
    because that thread has no session.
    """
    settings, reader = Settings.from_env(), who()

    def csv() -> str:
        frame = rows()
        audit.record(
            settings, who=reader, action=audit.DOWNLOAD, file=f"{name}.csv", rows=frame.height
        )
        return frame.write_csv()

    st.download_button(
        label,
        csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download-{name}",
        icon=":material/download:",
        on_click="ignore",
    )


def table(
    frame: pl.DataFrame,
    name: str,
    *,
    empty: str = NO_DATA,
    column_config: dict[str, object] | None = None,
    height: int | str = "auto",
    max_rows: int = MAX_ROWS,
) -> None:
    """Show `frame` (its first `max_rows` rows) with a CSV download of all of it.

    `name` is the file name (without `.csv`) and keys the download button, so it must be unique
    on the page. An empty frame shows the empty state instead.
    """
    if frame.is_empty():
        empty_state(empty)
        return
    shown = unsigned_zero_ratios(frame.head(max_rows))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={**default_formats(shown), **(column_config or {})},
        height=height,
    )
    if frame.height > shown.height:
        st.caption(f"The first {shown.height:,} of {frame.height:,} rows; the CSV has them all.")
    download_csv("Download CSV", lambda: frame, name)


CUSTOMER_360 = "customer-360"


def with_customer_links(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, object]]:
    """`frame` with a "Customer 360" link per row, and the column_config that shows it.

    The link searches Customer 360 by the customer key, which finds exactly that customer.
    """
    linked = frame.with_columns(
        (f"/{CUSTOMER_360}?q=" + pl.col("customer_key")).alias("customer_360")
    )
    config = {
        "customer_360": st.column_config.LinkColumn("Customer 360", display_text="open"),
    }
    return linked, config


def line_chart(
    frame: pl.DataFrame, x: str, series: dict[str, str], y_title: str, tickformat: str = ""
) -> None:
    """Lines of `series` (column -> legend name) over `x`, or an empty state."""
    import plotly.graph_objects as go

    if frame.is_empty():
        empty_state()
        return
    figure = go.Figure()
    for column, name in series.items():
        figure.add_scatter(
            x=frame[x], y=frame[column].cast(pl.Float64), name=name, mode="lines+markers"
        )
    figure.update_layout(
        yaxis_title=y_title, yaxis_tickformat=tickformat, margin={"t": 10}, height=320
    )
    st.plotly_chart(figure, width="stretch")


def revenue_margin_bars(frame: pl.DataFrame, x: str, y_title: str, height: int = 320) -> None:
    """Net revenue and gross margin as grouped bars over `x`: the one chart three pages draw.

    One home, so the Overview trend, a customer's months and the margin breakdown read the same
    (same colours, order and legend names); the caller has already handled the empty case.
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    for column, name in (("net_revenue", "Net revenue"), ("gross_margin", "Gross margin")):
        figure.add_bar(x=frame[x], y=frame[column].cast(pl.Float64), name=name)
    figure.update_layout(barmode="group", yaxis_title=y_title, margin={"t": 10}, height=height)
    st.plotly_chart(figure, width="stretch")

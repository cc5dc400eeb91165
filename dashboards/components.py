"""Building blocks every page uses the same way: tables with a CSV download, empty states."""

from __future__ import annotations

import polars as pl
import streamlit as st

NO_DATA = "No data for this filter."


def empty_state(message: str = NO_DATA) -> None:
    """Say plainly that there is nothing to show, instead of an empty chart or table."""
    st.info(message, icon=":material/filter_alt_off:")


def table(
    frame: pl.DataFrame,
    name: str,
    *,
    empty: str = NO_DATA,
    column_config: dict[str, object] | None = None,
    height: int | str = "auto",
) -> None:
    """Show `frame` with a CSV download of exactly what is shown; an empty state when empty.

    `name` is the file name (without `.csv`) and keys the download button, so it must be unique
    on the page.
    """
    if frame.is_empty():
        empty_state(empty)
        return
    st.dataframe(
        frame, hide_index=True, width="stretch", column_config=column_config, height=height
    )
    st.download_button(
        "Download CSV",
        frame.write_csv(),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download-{name}",
        icon=":material/download:",
    )

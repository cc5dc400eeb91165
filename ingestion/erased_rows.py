"""Rows of people erased on request: the question ingestion asks of the erasure ledger.

The ledger itself (salted hashes, `c360.erasure_ledger`) is handed in by the orchestrator, as
paths and hooks are: ingestion imports nothing of the project. Whatever is passed answers, for a
frame of records read from an extract (text columns, plus the reader's `_raw_line`), which rows
carry an erased person's identifier; those rows are dropped before validation and counted in
the load log as `rows_erased`.
"""

from __future__ import annotations

from typing import Protocol

import polars as pl


class ErasedRows(Protocol):
    """Which rows of a frame of records belong to people erased on request."""

    def rows(self, frame: pl.DataFrame) -> pl.Series:
        """A boolean per row: True for a row to drop."""
        ...


class _NoErasures:
    """Nobody was erased: every row is kept."""

    def rows(self, frame: pl.DataFrame) -> pl.Series:
        return pl.repeat(False, frame.height, eager=True)


NO_ERASURES: ErasedRows = _NoErasures()

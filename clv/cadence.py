"""When the CLV model is refitted, and when a stored fit can be reused instead.

A fit is the costly part of the CLV (seconds at 100,000 customers); the scores are cheap. So a
refresh scores every day but refits only on a cadence (C360_CLV_REFIT_DAYS, weekly by default).
The decision must be a pure function of the data, never of what an earlier build happened to
do, or an incremental chain of refreshes and a full rebuild of the same extracts would disagree:

- the fit used on as-of day D is fitted through `cadence_boundary(D)`, the last boundary on or
  before D, counted on a fixed calendar (every N days from a Monday, so weekly fits are through
  Mondays), computed from the purchases up to that boundary as the data stand on day D;
- a stored fit is reused only when it is for the same model, the same boundary and the same
  input (`input_digest`: the summaries it learnt from and the fitting code). A late invoice
  dated before the boundary, a customer merged by identity resolution, a new release of the
  optimiser: the digest differs, and the fit is redone, as a full rebuild would do it.

Any build on day D, incremental or from scratch, therefore fits (or reuses) the fit of the same
input, and the optimiser is deterministic on the same input.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import scipy

CALENDAR_START = date(2001, 1, 1)
"""A Monday: boundaries are every `refit_days` days from it (weekly: every Monday)."""

FIT_INPUT_COLUMNS = ("frequency", "recency_days", "t_days", "monetary_value")
"""What a fit learns from; customer keys are not among them (the fit is anonymous)."""

_FITTING_CODE = ("_optimise.py", "bg_nbd.py", "gamma_gamma.py")


def cadence_boundary(as_of: date, refit_days: int) -> date:
    """The last refit boundary on or before `as_of` (`as_of` itself when `refit_days` is 1)."""
    if refit_days < 1:
        raise ValueError(f"refit_days must be 1 or more, got {refit_days}")
    return as_of - timedelta(days=(as_of - CALENDAR_START).days % refit_days)


def fit_order(summary: pl.DataFrame) -> pl.DataFrame:
    """`summary` in the order a fit reads it: by value, so keys and row order change nothing."""
    return summary.sort(list(FIT_INPUT_COLUMNS), nulls_last=True)


def _code_version() -> bytes:
    folder = Path(__file__).parent
    sources = b"".join((folder / name).read_bytes() for name in _FITTING_CODE)
    return sources + f"numpy {np.__version__} scipy {scipy.__version__}".encode()


def input_digest(summary: pl.DataFrame) -> str:
    """A digest of what a fit of `summary` depends on: its values in fit order, and the code.

    Hashed from the values' bytes (float64, null as NaN), which no library upgrade changes.
    """
    digest = hashlib.sha256(_code_version())
    ordered = fit_order(summary)
    for column in FIT_INPUT_COLUMNS:
        values = ordered[column].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        digest.update(column.encode())
        digest.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return digest.hexdigest()


def reusable_fit(
    stored: pl.DataFrame | None, fit: str, fitted_through: date, digest: str
) -> dict[str, object] | None:
    """The stored row of `fit` through `fitted_through` learnt from the same input, else None.

    None means: refit. `stored` is the table of fits the previous build kept (none on a full
    rebuild); rows are keyed by fit, fitted_through and input_digest.
    """
    if stored is None or stored.is_empty():
        return None
    same = stored.filter(
        (pl.col("fit") == fit)
        & (pl.col("fitted_through") == fitted_through)
        & (pl.col("input_digest") == digest)
    )
    return same.row(0, named=True) if same.height else None

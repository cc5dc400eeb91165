"""The table of fits a refresh uses (dbt model int_clv_fits), and the fits read back from it.

Two fits a refresh: 'full', through the cadence boundary (clv.cadence), behind the scores; and
'holdout_calibration', through six months before that boundary, behind the holdout test. Each
row holds a fit's parameters and figures (FIT_FIGURES_SCHEMA), the digest of its input and the
as-of date of the build that last used it. int_clv_fits is incremental: a build reads the rows
the previous build kept and reuses a row whose boundary and input digest are the ones of today;
otherwise it fits again. The scores and the holdout read the fits from this table.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from clv.bg_nbd import BgNbdFit
from clv.cadence import cadence_boundary, fit_order, input_digest, reusable_fit
from clv.gamma_gamma import GammaGammaFit
from clv.refresh_step import FIT_FIGURES_SCHEMA, Fits, fit, fit_figures, fit_input

FULL = "full"
HOLDOUT = "holdout_calibration"
HOLDOUT_MONTHS = 6

FITS_SCHEMA: dict[str, pl.DataType] = {
    "fit": pl.String(),
    **FIT_FIGURES_SCHEMA,
    "input_digest": pl.String(),
    "last_used_as_of": pl.Date(),
}


def calibration_end(as_of: date, months: int = HOLDOUT_MONTHS) -> date:
    """`months` calendar months before `as_of` (the day clipped to the month's length)."""
    month_index = as_of.year * 12 + as_of.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in range(as_of.day, 0, -1):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: day 1 exists in every month")


def _fit_row(
    kind: str, through: date, summary: pl.DataFrame, stored: pl.DataFrame | None
) -> dict[str, object]:
    """The stored row when its input is today's, else a new fit of `summary` (the costly part)."""
    digest = input_digest(summary)
    kept = reusable_fit(stored, kind, through, digest)
    if kept is not None:
        return {column: kept[column] for column in FITS_SCHEMA}
    ordered = fit_order(summary)
    return {"fit": kind, **fit_figures(fit(ordered), through, ordered), "input_digest": digest}


def fits_table(
    lines: pl.DataFrame,
    as_of: date | None,
    refit_days: int,
    stored: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """int_clv_fits' rows for the build as of `as_of`: the full and the calibration fit.

    The full fit is through the cadence boundary; before any purchase by the boundary (a new
    warehouse), through `as_of` itself, still a function of the data only. `stored` is the
    table the previous build left (None on a full rebuild).
    """
    empty = pl.DataFrame(schema=FITS_SCHEMA)
    if as_of is None:
        return empty
    through = cadence_boundary(as_of, refit_days)
    summary = fit_input(lines, through)
    if summary.is_empty():
        through, summary = as_of, fit_input(lines, as_of)
    if summary.is_empty():
        return empty
    rows = [_fit_row(FULL, through, summary, stored)]
    end = calibration_end(through)
    calibration = fit_input(lines, end)
    if not calibration.is_empty():
        rows.append(_fit_row(HOLDOUT, end, calibration, stored))
    return pl.DataFrame(
        [{**row, "last_used_as_of": as_of} for row in rows], schema=FITS_SCHEMA, orient="row"
    )


def current_fit(fits: pl.DataFrame, kind: str, as_of: date | None) -> dict[str, object] | None:
    """The row of `kind` the build as of `as_of` wrote in int_clv_fits, or None."""
    if as_of is None:
        return None
    rows = fits.filter((pl.col("fit") == kind) & (pl.col("last_used_as_of") == as_of))
    return rows.row(0, named=True) if rows.height else None


def fits_of_row(row: dict[str, object]) -> Fits:
    """The two models' fits from a row of int_clv_fits (Gamma-Gamma None when it had none)."""
    bg = BgNbdFit(
        r=row["bg_nbd_r"],
        alpha=row["bg_nbd_alpha_days"],
        a=row["bg_nbd_a"],
        b=row["bg_nbd_b"],
        log_likelihood=row["bg_nbd_log_likelihood"],
        customers=row["customers"],
        converged=row["bg_nbd_converged"],
    )
    if row["gamma_gamma_p"] is None:
        return Fits(bg, None)
    gg = GammaGammaFit(
        p=row["gamma_gamma_p"],
        q=row["gamma_gamma_q"],
        gamma=row["gamma_gamma_gamma"],
        log_likelihood=row["gamma_gamma_log_likelihood"],
        customers=row["gamma_gamma_customers"],
        converged=row["gamma_gamma_converged"],
    )
    return Fits(bg, gg)


def fits_with_settings(
    lines: pl.DataFrame, as_of: date | None, stored: pl.DataFrame | None
) -> pl.DataFrame:
    """`fits_table` on the cadence of the settings (C360_CLV_REFIT_DAYS)."""
    from c360.settings import Settings

    return fits_table(lines, as_of, Settings.from_env().clv_refit_days, stored)

"""Fit quality: both fits' parameters and likelihoods, and a holdout test of the purchase model.

The holdout refits BG/NBD on the history up to six months before the as-of date and predicts
each of those customers' purchases in the last six months, against what they bought: the total
and per decile of predicted purchases (decile 10 = the customers expected to buy most).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from c360.clv.refresh_step import Fits, fit
from c360.clv.summary import purchases_between, summarise
from c360.clv.value import expected_purchases

HOLDOUT_MONTHS = 6
DECILES = 10

FIT_SCHEMA: dict[str, pl.DataType] = {
    "fit": pl.String(),
    "fitted_through": pl.Date(),
    "customers": pl.Int64(),
    "repeat_customers": pl.Int64(),
    "bg_nbd_r": pl.Float64(),
    "bg_nbd_alpha_days": pl.Float64(),
    "bg_nbd_a": pl.Float64(),
    "bg_nbd_b": pl.Float64(),
    "bg_nbd_log_likelihood": pl.Float64(),
    "bg_nbd_converged": pl.Boolean(),
    "gamma_gamma_customers": pl.Int64(),
    "gamma_gamma_p": pl.Float64(),
    "gamma_gamma_q": pl.Float64(),
    "gamma_gamma_gamma": pl.Float64(),
    "gamma_gamma_log_likelihood": pl.Float64(),
    "gamma_gamma_converged": pl.Boolean(),
    "holdout_start_date": pl.Date(),
    "holdout_end_date": pl.Date(),
    "predicted_holdout_purchases": pl.Float64(),
    "actual_holdout_purchases": pl.Int64(),
    "holdout_error_pct": pl.Float64(),
}
DECILE_SCHEMA: dict[str, pl.DataType] = {
    "decile": pl.Int64(),
    "customers": pl.Int64(),
    "predicted_purchases": pl.Float64(),
    "actual_purchases": pl.Int64(),
    "mean_predicted_purchases": pl.Float64(),
    "mean_actual_purchases": pl.Float64(),
    "error_pct": pl.Float64(),
    "calibration_end_date": pl.Date(),
    "as_of_date": pl.Date(),
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


def holdout_predictions(
    lines: pl.DataFrame, as_of: date, months: int = HOLDOUT_MONTHS
) -> tuple[Fits | None, pl.DataFrame]:
    """The calibration fit and, per customer known at its end, predicted and actual purchases."""
    end = calibration_end(as_of, months)
    summary = summarise(lines, end)
    if summary.is_empty():
        return None, pl.DataFrame(
            schema={"customer_key": pl.String, "predicted": pl.Float64, "actual": pl.Int64}
        )
    fits = fit(summary)
    predicted = expected_purchases(
        fits.bg_nbd,
        summary["frequency"],
        summary["recency_days"],
        summary["t_days"],
        float((as_of - end).days),
    )
    frame = (
        summary.select("customer_key")
        .with_columns(pl.Series("predicted", predicted))
        .join(purchases_between(lines, end, as_of), on="customer_key", how="left")
        .select("customer_key", "predicted", pl.col("purchases").fill_null(0).alias("actual"))
    )
    return fits, frame


def _fit_row(name: str, fits: Fits, through: date, summary: pl.DataFrame) -> dict:
    bg, gg = fits.bg_nbd, fits.gamma_gamma
    return {
        "fit": name,
        "fitted_through": through,
        "customers": bg.customers,
        "repeat_customers": int((summary["frequency"] > 0).sum()),
        "bg_nbd_r": bg.r,
        "bg_nbd_alpha_days": bg.alpha,
        "bg_nbd_a": bg.a,
        "bg_nbd_b": bg.b,
        "bg_nbd_log_likelihood": bg.log_likelihood,
        "bg_nbd_converged": bg.converged,
        "gamma_gamma_customers": gg.customers if gg else 0,
        "gamma_gamma_p": gg.p if gg else None,
        "gamma_gamma_q": gg.q if gg else None,
        "gamma_gamma_gamma": gg.gamma if gg else None,
        "gamma_gamma_log_likelihood": gg.log_likelihood if gg else None,
        "gamma_gamma_converged": gg.converged if gg else None,
    }


def fit_quality(lines: pl.DataFrame, as_of: date | None) -> pl.DataFrame:
    """One row for the fit the CLV uses ('full') and one for the holdout's calibration fit."""
    if as_of is None:
        return pl.DataFrame(schema=FIT_SCHEMA)
    rows = []
    summary = summarise(lines, as_of)
    if not summary.is_empty():
        rows.append(_fit_row("full", fit(summary), as_of, summary))
    end = calibration_end(as_of)
    fits, frame = holdout_predictions(lines, as_of)
    if fits is not None:
        predicted, actual = float(frame["predicted"].sum()), int(frame["actual"].sum())
        rows.append(
            {
                **_fit_row("holdout_calibration", fits, end, summarise(lines, end)),
                "holdout_start_date": end,
                "holdout_end_date": as_of,
                "predicted_holdout_purchases": predicted,
                "actual_holdout_purchases": actual,
                "holdout_error_pct": 100 * (predicted / actual - 1) if actual else None,
            }
        )
    return pl.DataFrame(rows, schema=FIT_SCHEMA)


def decile_calibration(lines: pl.DataFrame, as_of: date | None) -> pl.DataFrame:
    """Per decile of predicted holdout purchases: customers, predicted and actual purchases."""
    if as_of is None:
        return pl.DataFrame(schema=DECILE_SCHEMA)
    _, frame = holdout_predictions(lines, as_of)
    if frame.is_empty():
        return pl.DataFrame(schema=DECILE_SCHEMA)
    ranked = frame.sort("predicted", "customer_key").with_columns(
        (pl.int_range(pl.len()) * DECILES // pl.len() + 1).alias("decile")
    )
    return (
        ranked.group_by("decile")
        .agg(
            pl.len().alias("customers"),
            pl.col("predicted").sum().alias("predicted_purchases"),
            pl.col("actual").sum().alias("actual_purchases"),
            pl.col("predicted").mean().alias("mean_predicted_purchases"),
            pl.col("actual").mean().alias("mean_actual_purchases"),
        )
        .with_columns(
            pl.when(pl.col("actual_purchases") > 0)
            .then(100 * (pl.col("predicted_purchases") / pl.col("actual_purchases") - 1))
            .alias("error_pct"),
            pl.lit(calibration_end(as_of)).alias("calibration_end_date"),
            pl.lit(as_of).alias("as_of_date"),
        )
        .sort("decile")
        .cast(DECILE_SCHEMA)
        .select(list(DECILE_SCHEMA))
    )

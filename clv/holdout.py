"""Fit quality: both fits' parameters and likelihoods, and a holdout test of the purchase model.

The holdout refits BG/NBD on the history up to six months before the full fit's end (the
cadence boundary, clv.cadence) and predicts each of those customers' purchases in those six
months, against what they bought: the total and per decile of predicted purchases (decile 10 =
the customers expected to buy most). The calibration fit is made (or reused) once, in
int_clv_fits; `holdout_from_fits` (dbt model int_clv_holdout) applies it, and both quality
tables derive from that and from the scores, which carry the full fit's figures
(`fit_quality_from`, `deciles_from`): no fit runs twice.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from clv.fit_store import FULL, HOLDOUT, calibration_end, current_fit, fits_of_row, fits_table
from clv.refresh_step import FIT_FIGURES_SCHEMA
from clv.summary import purchases_between, summarise
from clv.value import expected_purchases

DECILES = 10

FIT_SCHEMA: dict[str, pl.DataType] = {
    "fit": pl.String(),
    **FIT_FIGURES_SCHEMA,
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

# The calibration fit's figures, the same on every row of the holdout table.
FIT_ROW_COLUMNS = list(FIT_FIGURES_SCHEMA)
HOLDOUT_SCHEMA: dict[str, pl.DataType] = {
    "customer_key": pl.String(),
    "predicted_purchases": pl.Float64(),
    "actual_purchases": pl.Int64(),
    **{column: FIT_SCHEMA[column] for column in FIT_ROW_COLUMNS},
    "holdout_start_date": pl.Date(),
    "holdout_end_date": pl.Date(),
}


def holdout_table(lines: pl.DataFrame, as_of: date | None) -> pl.DataFrame:
    """`holdout_from_fits` with both fits made through `as_of` itself (a refit every day)."""
    return holdout_from_fits(lines, fits_table(lines, as_of, refit_days=1), as_of)


def holdout_from_fits(lines: pl.DataFrame, fits: pl.DataFrame, as_of: date | None) -> pl.DataFrame:
    """Per customer known at the calibration end: predicted and actual holdout purchases.

    The holdout follows the cadence: it ends where the full fit ends (its fitted_through, the
    cadence boundary) and starts six months earlier, where the calibration fit of int_clv_fits
    ends, so it changes when the model is refitted, not every day. The calibration fit's
    figures ride on every row: both quality models read this table instead of refitting.
    """
    full = current_fit(fits, FULL, as_of)
    if full is None:
        return pl.DataFrame(schema=HOLDOUT_SCHEMA)
    holdout_end = full["fitted_through"]
    end = calibration_end(holdout_end)
    calibration = current_fit(fits, HOLDOUT, as_of)
    if calibration is None or calibration["fitted_through"] != end:
        return pl.DataFrame(schema=HOLDOUT_SCHEMA)
    summary = summarise(lines, end)
    predicted = expected_purchases(
        fits_of_row(calibration).bg_nbd,
        summary["frequency"],
        summary["recency_days"],
        summary["t_days"],
        float((holdout_end - end).days),
    )
    return (
        summary.select("customer_key")
        .with_columns(pl.Series("predicted_purchases", predicted))
        .join(purchases_between(lines, end, holdout_end), on="customer_key", how="left")
        .with_columns(
            pl.col("purchases").fill_null(0).alias("actual_purchases"),
            *(pl.lit(calibration[column]).alias(column) for column in FIT_ROW_COLUMNS),
            pl.lit(end).alias("holdout_start_date"),
            pl.lit(holdout_end).alias("holdout_end_date"),
        )
        .cast(HOLDOUT_SCHEMA)
        .select(list(HOLDOUT_SCHEMA))
    )


def fit_quality(lines: pl.DataFrame, as_of: date | None) -> pl.DataFrame:
    """One row for the fit the CLV uses ('full') and one for the holdout's calibration fit."""
    from clv.refresh_step import score

    # The figures do not depend on the horizon or the discount rate.
    scores = score(lines, as_of, horizon_months=12, annual_discount_rate=0.0)
    return fit_quality_from(scores, holdout_table(lines, as_of))


def fit_quality_from(scores: pl.DataFrame, holdout: pl.DataFrame) -> pl.DataFrame:
    """`fit_quality` from the tables the fits produced; nothing is fitted again.

    The scores (int_customer_clv) and the holdout (int_clv_holdout) carry their fit's figures
    on every row.
    """
    rows = []
    if not scores.is_empty():
        first = scores.row(0, named=True)
        rows.append({"fit": "full", **{column: first[column] for column in FIT_ROW_COLUMNS}})
    if not holdout.is_empty():
        first = holdout.row(0, named=True)
        predicted = float(holdout["predicted_purchases"].sum())
        actual = int(holdout["actual_purchases"].sum())
        rows.append(
            {
                "fit": "holdout_calibration",
                **{column: first[column] for column in FIT_ROW_COLUMNS},
                "holdout_start_date": first["holdout_start_date"],
                "holdout_end_date": first["holdout_end_date"],
                "predicted_holdout_purchases": predicted,
                "actual_holdout_purchases": actual,
                "holdout_error_pct": 100 * (predicted / actual - 1) if actual else None,
            }
        )
    return pl.DataFrame(rows, schema=FIT_SCHEMA)


def decile_calibration(lines: pl.DataFrame, as_of: date | None) -> pl.DataFrame:
    """Per decile of predicted holdout purchases: customers, predicted and actual purchases."""
    return deciles_from(holdout_table(lines, as_of))


def deciles_from(holdout: pl.DataFrame) -> pl.DataFrame:
    """`decile_calibration` from the holdout table (`holdout_table`: not fitted again)."""
    if holdout.is_empty():
        return pl.DataFrame(schema=DECILE_SCHEMA)
    ranked = holdout.sort("predicted_purchases", "customer_key").with_columns(
        (pl.int_range(pl.len()) * DECILES // pl.len() + 1).alias("decile")
    )
    return (
        ranked.group_by("decile")
        .agg(
            pl.len().alias("customers"),
            pl.col("predicted_purchases").sum(),
            pl.col("actual_purchases").sum(),
            pl.col("predicted_purchases").mean().alias("mean_predicted_purchases"),
            pl.col("actual_purchases").mean().alias("mean_actual_purchases"),
            pl.col("holdout_start_date").first().alias("calibration_end_date"),
            pl.col("holdout_end_date").first().alias("as_of_date"),
        )
        .with_columns(
            pl.when(pl.col("actual_purchases") > 0)
            .then(100 * (pl.col("predicted_purchases") / pl.col("actual_purchases") - 1))
            .alias("error_pct"),
        )
        .sort("decile")
        .cast(DECILE_SCHEMA)
        .select(list(DECILE_SCHEMA))
    )

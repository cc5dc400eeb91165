"""What the refresh runs for predicted CLV (the dbt Python models call these).

Inputs are fct_invoice_lines (customer_key, invoice_kind, invoice_date, gross_margin) and the
as-of date, the newest ERP extract date, so a rebuild of the same extracts gives the same
figures (no wall clock). Times are in days. The fits are made, or reused, on the refit cadence
by clv.fit_store (dbt model int_clv_fits); `score_from_fits` applies them to today's summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import polars as pl

from clv.bg_nbd import BgNbdFit, fit_bg_nbd
from clv.gamma_gamma import GammaGammaFit, fit_gamma_gamma
from clv.summary import SUMMARY_SCHEMA, summarise
from clv.value import (
    DAYS_PER_MONTH,
    discounted_clv,
    expected_margin_per_purchase,
    expected_purchases,
    p_alive,
)

# The figures of a fit, the same on every row of the table it produced (the scores, the holdout):
# the quality model reads them there instead of fitting again.
FIT_FIGURES_SCHEMA: dict[str, pl.DataType] = {
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
}
CLV_SCHEMA: dict[str, pl.DataType] = {
    **SUMMARY_SCHEMA,
    "p_alive": pl.Float64(),
    "expected_purchases": pl.Float64(),
    "expected_margin_per_purchase": pl.Float64(),
    "predicted_clv": pl.Float64(),
    "horizon_months": pl.Int64(),
    "annual_discount_rate": pl.Float64(),
    "as_of_date": pl.Date(),
    **FIT_FIGURES_SCHEMA,
}


@dataclass(frozen=True)
class Fits:
    """Both models fitted on one summary; gamma_gamma is None when no customer can feed it."""

    bg_nbd: BgNbdFit
    gamma_gamma: GammaGammaFit | None


def fit(summary: pl.DataFrame) -> Fits:
    """BG/NBD on every customer, Gamma-Gamma on repeat customers with a positive mean margin."""
    bg = fit_bg_nbd(summary["frequency"], summary["recency_days"], summary["t_days"])
    try:
        gg = fit_gamma_gamma(summary["frequency"], summary["monetary_value"].fill_null(0.0))
    except ValueError:  # nobody bought twice at a positive margin yet
        gg = None
    return Fits(bg, gg)


def fit_figures(fits: Fits, through: date, summary: pl.DataFrame) -> dict[str, object]:
    """The columns of FIT_FIGURES_SCHEMA for `fits`, fitted on `summary` up to `through`."""
    bg, gg = fits.bg_nbd, fits.gamma_gamma
    return {
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


MARGIN_KNOWN = "margin_known"
"""Optional column of the scored lines: false for every line of a customer whose cost is unknown."""
_MARGIN_KNOWN_SQL = (
    f"coalesce(bool_and(has_known_cost) over (partition by customer_key), true) as {MARGIN_KNOWN}"
)
"""The column in DuckDB, under the build's memory limit: over 20 M lines (1,000,000 customers)
Polars' `over` took 1.2 GB beyond the frame. Nulls are ignored, and a customer whose flags are
all null counts as known, as with Polars' `all()`."""


def _customers_of_unknown_margin(lines: pl.DataFrame) -> pl.Series:
    if MARGIN_KNOWN not in lines.columns:
        return pl.Series("customer_key", [], dtype=lines.schema.get("customer_key", pl.String))
    return lines.filter(~pl.col(MARGIN_KNOWN))["customer_key"].unique()


def _unless_unknown(value: pl.Expr, unknown: pl.Series) -> pl.Expr:
    return pl.when(pl.col("customer_key").is_in(unknown.implode())).then(None).otherwise(value)


def fit_input(lines: pl.DataFrame, through: date) -> pl.DataFrame:
    """The summary through `through` that a fit learns from and the scores apply to.

    A margin summed over lines of unknown cost is no margin: Gamma-Gamma learns only from
    customers whose margin is known, and the others' mean margin stays null.
    """
    summary = summarise(lines, through)
    unknown = _customers_of_unknown_margin(lines)
    return summary.with_columns(_unless_unknown(pl.col("monetary_value"), unknown))


def score(
    lines: pl.DataFrame, as_of: date | None, horizon_months: int, annual_discount_rate: float
) -> pl.DataFrame:
    """fct_customer_clv's rows scored with a fit through `as_of` itself (a refit every day)."""
    from clv.fit_store import fits_table

    fits = fits_table(lines, as_of, refit_days=1)
    return score_from_fits(lines, as_of, fits, horizon_months, annual_discount_rate)


def score_from_fits(
    lines: pl.DataFrame,
    as_of: date | None,
    fits: pl.DataFrame,
    horizon_months: int,
    annual_discount_rate: float,
) -> pl.DataFrame:
    """fct_customer_clv's rows: every customer with a purchase up to `as_of`, scored.

    The parameters are the build's 'full' fit in `fits` (int_clv_fits: fitted through the last
    cadence boundary, maybe by an earlier build); the summary is today's. Each row also carries
    the fit's figures (FIT_FIGURES_SCHEMA), which quality.clv_fit_quality reports.
    """
    from clv.fit_store import FULL, current_fit, fits_of_row

    row = current_fit(fits, FULL, as_of)
    summary = fit_input(lines, as_of) if row else pl.DataFrame(schema=SUMMARY_SCHEMA)
    if row is None or summary.is_empty():
        return pl.DataFrame(schema=CLV_SCHEMA)
    unknown = _customers_of_unknown_margin(lines)
    fitted = fits_of_row(row)
    x, t_x, t_cal = summary["frequency"], summary["recency_days"], summary["t_days"]
    if fitted.gamma_gamma is None:
        margin = np.full(summary.height, np.nan)
    else:
        margin = expected_margin_per_purchase(fitted.gamma_gamma, x, summary["monetary_value"])
    margin = np.where(summary["customer_key"].is_in(unknown.implode()).to_numpy(), np.nan, margin)
    horizon = horizon_months * DAYS_PER_MONTH
    clv = discounted_clv(
        fitted.bg_nbd,
        margin,
        x,
        t_x,
        t_cal,
        months=horizon_months,
        annual_discount_rate=annual_discount_rate,
    )
    return summary.with_columns(
        pl.Series("p_alive", p_alive(fitted.bg_nbd, x, t_x, t_cal)),
        pl.Series("expected_purchases", expected_purchases(fitted.bg_nbd, x, t_x, t_cal, horizon)),
        pl.Series("expected_margin_per_purchase", margin).fill_nan(None),
        pl.Series("predicted_clv", clv).fill_nan(None),
        pl.lit(horizon_months).alias("horizon_months"),
        pl.lit(annual_discount_rate).alias("annual_discount_rate"),
        pl.lit(as_of).alias("as_of_date"),
        *(pl.lit(row[column]).alias(column) for column in FIT_FIGURES_SCHEMA),
    ).cast(CLV_SCHEMA)


@contextmanager
def lines_in_memory(
    build_connection: duckdb.DuckDBPyConnection,
    invoice_lines: duckdb.DuckDBPyRelation,
    erp_invoices: duckdb.DuckDBPyRelation,
) -> Iterator[tuple[pl.DataFrame, date | None]]:
    """`read_inputs`, for the time a CLV model holds the lines as Polars frames (no DuckDB limit).

    The build's Python steps take turns and the build's connection runs at half its limit
    meanwhile (c360.build_files.sharing_memory): the dbt models reach it here, through clv's
    public names. A model returns its result after the block: dbt wants a Python model's
    `return` at the function's top level.
    """
    from c360.build_files import sharing_memory

    with sharing_memory(build_connection):
        yield read_inputs(invoice_lines, erp_invoices)


def read_inputs(
    invoice_lines: duckdb.DuckDBPyRelation, erp_invoices: duckdb.DuckDBPyRelation
) -> tuple[pl.DataFrame, date | None]:
    """The purchase columns of fct_invoice_lines and the as-of date, from dbt's relations.

    Only four columns cross into Python (a DuckDB projection), whatever the mart's width. The
    rows are sorted: float sums (and so the fits, and a cent's rounding) depend on their order,
    which is the table's storage order otherwise (it changes with incremental builds, and
    differs on Spark: tests/spark/test_parity.py).

    Guest sales (the "unidentified customers" member) are no customer and get no CLV. A
    customer with any line whose cost is unknown keeps its purchases (BG/NBD counts buying
    occasions, which need no cost: P(alive) and expected purchases stand), but `margin_known`
    is false: its margin per purchase would be a guess, and a CLV over the costed lines only
    would flatter it, so both stay null (docs/metrics.md).
    """
    lines = (
        invoice_lines.filter("not is_unidentified_customer")
        .project(f"customer_key, invoice_kind, invoice_date, gross_margin, {_MARGIN_KNOWN_SQL}")
        .order("customer_key, invoice_date, invoice_kind, gross_margin")
        .pl()
    )
    newest = erp_invoices.aggregate("max(_extract_date) as as_of_date").pl()
    return lines, newest["as_of_date"][0]


def score_with_settings(
    lines: pl.DataFrame, as_of: date | None, fits: pl.DataFrame
) -> pl.DataFrame:
    """`score_from_fits` with the horizon and discount rate of the settings (C360_CLV_*)."""
    from c360.settings import Settings

    settings = Settings.from_env()
    return score_from_fits(
        lines, as_of, fits, settings.clv_horizon_months, settings.clv_annual_discount_rate
    ).with_columns(pl.lit(settings.clv_refit_days, dtype=pl.Int64).alias("refit_days"))

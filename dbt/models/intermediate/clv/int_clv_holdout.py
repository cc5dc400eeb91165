"""The CLV holdout test's per-customer predictions, from the calibration fit of int_clv_fits.

clv.holdout.holdout_from_fits: the calibration fit (BG/NBD and Gamma-Gamma on the history up to
six months before the full fit's cadence boundary) predicts each customer's purchases up to that
boundary, against the actual ones, with the fit's figures on every row.
quality.clv_fit_quality and quality.clv_holdout_calibration read this table; nothing is fitted
here (int_clv_fits fits, on the cadence, or reuses).
"""


def model(dbt, session):
    """One row per customer known at the calibration end: predicted and actual purchases."""
    dbt.config(materialized="table")
    from clv import holdout_from_fits, lines_in_memory

    costed, invoices = dbt.ref("int_invoice_lines_costed"), dbt.ref("stg_erp__invoices")
    with lines_in_memory(session, costed, invoices) as (lines, as_of):
        holdout = holdout_from_fits(lines, dbt.ref("int_clv_fits").pl(), as_of)
    return holdout

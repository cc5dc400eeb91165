"""The holdout test of the purchase model by decile of predicted purchases (c360.clv.holdout).

The customers known six months before the as-of date, ranked by the purchases the calibration
fit predicts for the last six months, in ten groups of equal size: predicted against actual.
"""


def model(dbt, session):
    """One row per decile (10 = highest predicted): customers, predicted and actual purchases."""
    dbt.config(materialized="table")
    from c360.clv.holdout import decile_calibration
    from c360.clv.refresh_step import read_inputs

    lines, as_of = read_inputs(dbt.ref("fct_invoice_lines"), dbt.ref("stg_erp__invoices"))
    return decile_calibration(lines, as_of)

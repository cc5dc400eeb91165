"""The CLV holdout test's calibration fit, computed once for both quality models.

clv.holdout.holdout_table: BG/NBD and Gamma-Gamma refitted on the history up to six months
before the as-of date; per customer known then, the purchases it predicts for the last six
months and the actual ones, with the fit's figures on every row. quality.clv_fit_quality and
quality.clv_holdout_calibration read this table instead of refitting (the fit is the costly
part: about 12 s at 100,000 customers).
"""


def model(dbt, session):
    """One row per customer known at the calibration end: predicted and actual purchases."""
    dbt.config(materialized="table")
    from clv import holdout_table, read_inputs

    lines, as_of = read_inputs(dbt.ref("int_invoice_lines_costed"), dbt.ref("stg_erp__invoices"))
    return holdout_table(lines, as_of)

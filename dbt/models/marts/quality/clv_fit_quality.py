"""How well the CLV models fit: parameters, log-likelihoods, customers, and a holdout test.

Row 'full' is the fit behind fct_customer_clv; row 'holdout_calibration' refits on the history
up to six months before the as-of date and compares its predicted purchases over the last six
months with the actual ones (c360.clv.holdout; per decile in clv_holdout_calibration). That
calibration fit is read from int_clv_holdout, computed once for both quality models.
"""


def model(dbt, session):
    """One row per fit: parameters, log-likelihoods, customers, holdout totals."""
    dbt.config(materialized="table")
    from c360.clv.holdout import fit_quality_from
    from c360.clv.refresh_step import read_inputs

    lines, as_of = read_inputs(dbt.ref("fct_invoice_lines"), dbt.ref("stg_erp__invoices"))
    return fit_quality_from(lines, as_of, dbt.ref("int_clv_holdout").pl())

"""How well the CLV models fit: parameters, log-likelihoods, customers, and a holdout test.

Row 'full' is the fit behind fct_customer_clv; row 'holdout_calibration' refits on the history
up to six months before the as-of date and compares its predicted purchases over the last six
months with the actual ones (clv.holdout; per decile in clv_holdout_calibration). That
calibration fit is read from int_clv_holdout, computed once for both quality models, and the
full fit's figures from int_customer_clv, whose rows carry them: nothing is fitted here.
"""


def model(dbt, session):
    """One row per fit: parameters, log-likelihoods, customers, holdout totals."""
    dbt.config(materialized="table")
    from clv import fit_quality_from

    return fit_quality_from(dbt.ref("int_customer_clv").pl(), dbt.ref("int_clv_holdout").pl())

"""The holdout test of the purchase model by decile of predicted purchases (clv.holdout).

The customers known six months before the as-of date, ranked by the purchases the calibration
fit predicts for the last six months, in ten groups of equal size: predicted against actual.
The calibration fit is not redone here: it comes from int_clv_holdout.
"""


def model(dbt, session):
    """One row per decile (10 = highest predicted): customers, predicted and actual purchases."""
    dbt.config(materialized="table")
    from clv import deciles_from

    return deciles_from(dbt.ref("int_clv_holdout").pl())

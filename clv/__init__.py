"""Predicted customer lifetime value: BG/NBD for the purchases, Gamma-Gamma for their margin.

`fit_bg_nbd(frequency, recency, T)` and `fit_gamma_gamma(frequency, monetary_value)` fit the two
models by maximum likelihood (scipy, the closed-form likelihoods of Fader, Hardie and Lee 2005);
`value` turns them into P(alive), expected purchases, expected margin per purchase and the
discounted CLV; `summary` builds the per-customer inputs from dated purchases; `refresh_step`,
`fit_store` (the fits a refresh uses, refitted on the cadence of `cadence`) and `holdout` (fit
quality, holdout test) are what the dbt Python models run. docs/clv.md says
why scipy, and what was reproduced on CDNOW.
"""

from clv.bg_nbd import BgNbdFit, bg_nbd_log_likelihood, fit_bg_nbd
from clv.cadence import cadence_boundary
from clv.fit_store import fits_table, fits_with_settings
from clv.gamma_gamma import GammaGammaFit, fit_gamma_gamma, gamma_gamma_log_likelihood
from clv.holdout import deciles_from, fit_quality_from, holdout_from_fits, holdout_table
from clv.refresh_step import lines_in_memory, read_inputs, score_with_settings
from clv.value import (
    discounted_clv,
    expected_margin_per_purchase,
    expected_purchases,
    monthly_discount_rate,
    p_alive,
)

__all__ = [
    "BgNbdFit",
    "GammaGammaFit",
    "bg_nbd_log_likelihood",
    "cadence_boundary",
    "deciles_from",
    "discounted_clv",
    "expected_margin_per_purchase",
    "expected_purchases",
    "fit_bg_nbd",
    "fit_gamma_gamma",
    "fit_quality_from",
    "fits_table",
    "fits_with_settings",
    "gamma_gamma_log_likelihood",
    "holdout_from_fits",
    "holdout_table",
    "lines_in_memory",
    "monthly_discount_rate",
    "p_alive",
    "read_inputs",
    "score_with_settings",
]

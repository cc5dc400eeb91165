"""The CLV fits a refresh uses, refitted on a cadence and reused in between (clv.fit_store).

Incremental: a build reads the fits the previous build kept (dbt.this) and reuses each one whose
cadence boundary and input digest are today's (clv.cadence); otherwise it fits again, which is
what a full rebuild of the same extracts does too, so both give the same fits. One row a fit
('full' behind the scores, 'holdout_calibration' behind the holdout test), replaced by fit.
Cadence: C360_CLV_REFIT_DAYS.
"""


def model(dbt, session):
    """One row per fit in use: parameters, figures, input digest, the as-of date that used it."""
    dbt.config(materialized="incremental", unique_key="fit", incremental_strategy="delete+insert")
    from clv import fits_with_settings, lines_in_memory

    costed, invoices = dbt.ref("int_invoice_lines_costed"), dbt.ref("stg_erp__invoices")
    with lines_in_memory(session, costed, invoices) as (lines, as_of):
        stored = session.sql(f"select * from {dbt.this}").pl() if dbt.is_incremental else None
        fits = fits_with_settings(lines, as_of, stored)
    return fits

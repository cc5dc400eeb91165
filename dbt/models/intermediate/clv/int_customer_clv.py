"""Predicted CLV per customer as a dbt Python model (clv: BG/NBD x Gamma-Gamma).

It runs inside the dbt process, so the warehouse keeps a single writer. Purchases come from
int_invoice_lines_costed (the lines fct_invoice_lines publishes), where the gross margin of each
line is already computed (COGS rules in one place); the as-of date is the newest ERP invoices
extract, so a rebuild of the same extracts gives the same figures. The parameters are the
'full' fit of int_clv_fits (refitted every C360_CLV_REFIT_DAYS, reused in between); the scores
are recomputed on today's summary every refresh. Horizon and discount rate:
C360_CLV_HORIZON_MONTHS and C360_CLV_ANNUAL_DISCOUNT_RATE. fct_customer_clv publishes it under a
contract (dbt does not enforce contracts on Python models).
"""


def model(dbt, session):
    """One row per customer with a purchase: RFM summary, P(alive), purchases, margin, CLV."""
    dbt.config(materialized="table")
    from clv import lines_in_memory, score_with_settings

    costed, invoices = dbt.ref("int_invoice_lines_costed"), dbt.ref("stg_erp__invoices")
    with lines_in_memory(session, costed, invoices) as (lines, as_of):
        scores = score_with_settings(lines, as_of, dbt.ref("int_clv_fits").pl())
    return scores

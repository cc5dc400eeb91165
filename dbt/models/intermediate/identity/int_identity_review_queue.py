"""Pairs the matcher was not sure enough of, and ERP numbers in CRM it distrusted, for stewards.

Resolution runs again here (a Python model has one output); it is deterministic, and takes
about 5 s at 100,000 customers (docs/identity.md).
"""


def model(dbt, session):
    """record_a, record_b, probability, reason (probable_match | stale_erp_number)."""
    dbt.config(materialized="table")
    from c360.identity.refresh_step import resolve_staged_records

    result = resolve_staged_records(
        dbt.ref("stg_crm__accounts").pl(),
        dbt.ref("stg_crm__contacts").pl(),
        dbt.ref("stg_erp__customers").pl(),
        dbt.ref("int_identity_rule_pairs").pl(),
        dbt.ref("int_identity_erp_number_pairs").pl(),
    )
    return result.review_queue

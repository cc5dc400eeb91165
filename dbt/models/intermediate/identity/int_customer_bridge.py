"""Identity resolution as a dbt Python model: every CRM account and ERP customer record mapped
to one customer_key. The deterministic rules have run in SQL before it (int_identity_rule_pairs,
int_identity_erp_number_pairs); here c360.identity scores the rest with Splink, clusters,
applies stewards' overrides and keeps stable keys.

It runs inside the dbt process, so the warehouse keeps a single writer. The previous run's
bridge (this table, before it is replaced) keeps keys stable; stewards' decisions come from the
CSV file named by C360_IDENTITY_OVERRIDES (columns record_a, record_b, decision).
"""


def _previous(dbt, session):
    try:
        return session.sql(
            f"select customer_key, source_system, source_record_id from {dbt.this}"
        ).pl()
    except Exception:  # first build: no previous table
        return None


def model(dbt, session):
    """The bridge: customer_key, source_system, source_record_id, match_rule, probability."""
    dbt.config(materialized="table")
    from c360.identity.refresh_step import resolve_staged_records

    result = resolve_staged_records(
        dbt.ref("stg_crm__accounts").pl(),
        dbt.ref("stg_crm__contacts").pl(),
        dbt.ref("stg_erp__customers").pl(),
        dbt.ref("int_identity_rule_pairs").pl(),
        dbt.ref("int_identity_erp_number_pairs").pl(),
        _previous(dbt, session),
    )
    return result.bridge

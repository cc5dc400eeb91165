"""Identity resolution as a dbt Python model, run once a refresh: every CRM account and ERP
customer record mapped to one customer_key, and the pairs stewards should look at.

The deterministic rules have run in SQL before it (int_identity_rule_pairs,
int_identity_erp_number_pairs); here identity scores the rest with Splink, clusters,
applies stewards' overrides and keeps stable keys. A Python model has one output table and the
resolution has two, so both are kept here, told apart by `output` (bridge | review_queue), and
int_customer_bridge and int_identity_review_queue select theirs: the resolution, about 20 s at
100,000 customers, runs once instead of once per output.

It runs inside the dbt process, so the warehouse keeps a single writer, and within the build's
memory limit: Splink's DuckDB and the build's share it (c360.build_files.sharing_memory). The
previous refresh's bridge keeps keys stable: int_customer_bridge, which this refresh rebuilds
only after this model, still holds it. Stewards' decisions come from the CSV file named by
C360_IDENTITY_OVERRIDES (columns record_a, record_b, decision).
"""


def _previous(dbt, session):
    relation = f'"{dbt.this.database}"."{dbt.this.schema}"."int_customer_bridge"'
    try:
        return session.sql(
            f"select customer_key, source_system, source_record_id from {relation}"
        ).pl()
    except Exception:  # first build: no previous bridge
        return None


def model(dbt, session):
    """output, then the bridge's columns and the review queue's (each null on the other's rows)."""
    dbt.config(materialized="table")
    from identity import resolution_table, resolve_staged_records

    result = resolve_staged_records(
        dbt.ref("stg_crm__accounts").pl(),
        dbt.ref("stg_crm__contacts").pl(),
        dbt.ref("stg_erp__customers").pl(),
        dbt.ref("int_identity_rule_pairs").pl(),
        dbt.ref("int_identity_erp_number_pairs").pl(),
        _previous(dbt, session),
        # Splink's DuckDB and this one share the build's memory limit, half each meanwhile.
        build_connection=session,
    )
    return resolution_table(result)

"""Identity resolution: which CRM accounts and ERP customers are the same organisation.

The deterministic rules run in dbt SQL (dbt/models/intermediate/identity); `resolve_identities`
(in `identity.resolve`) is the Python step that takes their pairs: score what is left with
Splink, cluster, apply the data stewards' overrides and hand out `customer_key`s that stay
stable from one refresh to the next.
"""

from identity.evaluate import pairwise_scores
from identity.refresh_step import resolution_table, resolve_staged_records
from identity.resolve import resolve_identities
from identity.sql_stage import read_rule_stage, run_rule_stage

__all__ = [
    "pairwise_scores",
    "read_rule_stage",
    "resolution_table",
    "resolve_identities",
    "resolve_staged_records",
    "run_rule_stage",
]

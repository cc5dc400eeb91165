"""Identity resolution: which CRM accounts and ERP customers are the same organisation.

The deterministic rules run in dbt SQL (dbt/models/intermediate/identity); `resolve_identities`
(in `c360.identity.resolve`) is the Python step that takes their pairs: score what is left with
Splink, cluster, apply the data stewards' overrides and hand out `customer_key`s that stay
stable from one refresh to the next.
"""

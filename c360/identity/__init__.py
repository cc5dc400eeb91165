"""Identity resolution: which CRM accounts and ERP customers are the same organisation.

`resolve_identities` (in `c360.identity.resolve`) is the entry point: normalise the records,
link them by deterministic rules, score what is left with Splink, cluster, apply the data
stewards' overrides and hand out `customer_key`s that stay stable from one refresh to the next.
"""

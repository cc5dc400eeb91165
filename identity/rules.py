"""The deterministic rules: their names and ranking, and their pairs as the Python step reads them.

The rules run in dbt SQL (dbt/models/intermediate/identity): `int_identity_rule_pairs` holds
every pair they match and `int_identity_erp_number_pairs` the ERP numbers set aside as stale.
Between the systems record_a is the CRM record and record_b the ERP one:
- `erp_number`: the CRM account carries the number of an ERP customer that exists (unless the
  number is stale: names not near-identical and evidence against it);
- `vat`: same VAT number;
- `name_country`: same normalised name (ERP trading or legal name) in the same country;
- `domain`: same web or e-mail domain.
Inside each system (record_a < record_b): CRM-CRM by `vat`, `name_country` and `domain`, ERP-ERP
by `vat` and `name_country`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

ERP_NUMBER, VAT, NAME_COUNTRY, DOMAIN = "erp_number", "vat", "name_country", "domain"
PROBABILISTIC, OVERRIDE, SINGLETON = "probabilistic", "override", "singleton"
DETERMINISTIC: tuple[str, ...] = (ERP_NUMBER, VAT, NAME_COUNTRY, DOMAIN)
# Which rule explains a link best, strongest first (a record's `match_rule` in the bridge).
RULE_PRIORITY: tuple[str, ...] = (OVERRIDE, *DETERMINISTIC, PROBABILISTIC)
STALE_ERP_NUMBER = "stale_erp_number"
PAIR_SCHEMA: dict[str, pl.DataType] = {
    "record_a": pl.String(),
    "record_b": pl.String(),
    "rule": pl.String(),
}
STALE_SCHEMA: dict[str, pl.DataType] = {"record_a": pl.String(), "record_b": pl.String()}


@dataclass(frozen=True)
class RulePairs:
    """What the deterministic stage matched.

    accepted: record_a, record_b, rule; one row per pair and rule that matched.
    stale: record_a (CRM), record_b (ERP): ERP numbers set aside, for the review queue.
    """

    accepted: pl.DataFrame
    stale: pl.DataFrame


def rule_pairs(
    accepted: pl.DataFrame, stale: pl.DataFrame | None, record_ids: pl.Series
) -> RulePairs:
    """The SQL stage's pairs, checked against the records the Python step resolves.

    `accepted` has `int_identity_rule_pairs`' columns (record_a, record_b, match_rule), `stale`
    at least record_a and record_b.

    Both steps read the same staging models, so a pair naming a record the Python step does
    not know means the two went out of step (a stale table, a changed model): an error, not a
    pair to drop quietly.

    Raises:
        ValueError: on a rule name outside the deterministic rules or an unknown record.
    """
    pairs = (
        accepted.select("record_a", "record_b", rule="match_rule")
        .cast(PAIR_SCHEMA)
        .unique()
        .sort(pl.all())
    )
    aside = (
        pl.DataFrame(schema=STALE_SCHEMA)
        if stale is None
        else stale.select(list(STALE_SCHEMA)).cast(STALE_SCHEMA).unique().sort(pl.all())
    )
    unknown_rules = set(pairs["rule"].unique().to_list()) - set(DETERMINISTIC)
    if unknown_rules:
        raise ValueError(f"rule pairs name rules that do not exist: {sorted(unknown_rules)}")
    named = pl.concat([pairs["record_a"], pairs["record_b"], aside["record_a"], aside["record_b"]])
    unknown = named.filter(~named.is_in(record_ids.implode())).unique().sort()
    if unknown.len():
        raise ValueError(f"rule pairs name records not in the inputs: {unknown.head(5).to_list()}")
    return RulePairs(accepted=pairs, stale=aside)

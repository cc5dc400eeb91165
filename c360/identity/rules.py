"""Deterministic match rules: pairs of records that are the same organisation for sure.

Between the systems (record_a is the CRM record, record_b the ERP one):
- `erp_number`: the CRM account carries the number of an ERP customer that exists;
- `vat`: same VAT number;
- `name_country`: same normalised name (ERP trading or legal name) in the same country;
- `domain`: same web or e-mail domain (when the ERP carries one).

Inside each system (record_a < record_b): CRM-CRM by `vat`, `name_country` and `domain` (the
account's website and its contacts' e-mail domains), ERP-ERP by `vat` and `name_country`.

A stale or wrong ERP number must not override strong evidence against it. An `erp_number` pair
whose names are not near-identical (Jaro-Winkler < 0.9 on normalised names) is dropped when
any evidence speaks against it: the countries differ, the VAT numbers differ, another CRM
account matches the ERP record better (same VAT, same name and country, or its own ERP number
with a near-identical name), or the account matches another ERP record better (same VAT or name
and country, and not a second record of the one numbered). The dropped pairs go to review as
`stale_erp_number`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

ERP_NUMBER, VAT, NAME_COUNTRY, DOMAIN = "erp_number", "vat", "name_country", "domain"
PROBABILISTIC, OVERRIDE, SINGLETON = "probabilistic", "override", "singleton"
# Which rule explains a link best, strongest first (a record's `match_rule` in the bridge).
RULE_PRIORITY: tuple[str, ...] = (OVERRIDE, ERP_NUMBER, VAT, NAME_COUNTRY, DOMAIN, PROBABILISTIC)
# Jaro-Winkler on normalised names (the best of name, legal name and name without descriptor
# words). On generated companies (10,000 customers, heavy defects) every correct erp_number
# pair scores >= 0.9 while wrong numbers score 0.37-0.85: names of one family ("Schmidt Media",
# "Schmidt Engineering") reach 0.85, so the 0.6 that separates random names is not enough.
NEAR_IDENTICAL_NAMES = 0.9
# A key shared by more records than this is not an identity (a generic name, a reseller's
# domain): matching all of them pairwise would weld unrelated firms together.
MAX_KEY_GROUP = 8
STALE_ERP_NUMBER = "stale_erp_number"
PAIR_SCHEMA: dict[str, pl.DataType] = {
    "record_a": pl.String(),
    "record_b": pl.String(),
    "rule": pl.String(),
}


@dataclass(frozen=True)
class CrossSystemPairs:
    """CRM-ERP pairs: those accepted, and the `erp_number` pairs dropped as stale.

    `accepted`: record_a (CRM), record_b (ERP), rule, one row per pair and rule that matched.
    `stale`: record_a, record_b, name_similarity, detail.
    """

    accepted: pl.DataFrame
    stale: pl.DataFrame


def name_similarity(pairs: pl.DataFrame, left: str, right: str) -> pl.Series:
    """Jaro-Winkler similarity of two string columns (DuckDB's, in memory); 0 when one is null."""
    if pairs.height == 0:
        return pl.Series("similarity", [], dtype=pl.Float64)
    frame = pairs.select(
        pl.int_range(pl.len()).alias("row"), left=pl.col(left), right=pl.col(right)
    )
    con = duckdb.connect()
    try:
        con.register("names", frame)
        result = con.sql(
            'select row, coalesce(jaro_winkler_similarity("left", "right"), 0.0) as similarity'
            " from names order by row"
        ).pl()
    finally:
        con.close()
    return result["similarity"]


def _keyed(records: pl.DataFrame, key: str, names: tuple[str, ...] = ()) -> pl.DataFrame:
    """(record_id, system, key) rows with a non-null key; several name columns stack up."""
    if names:
        parts = [
            records.select("record_id", "system", key=pl.col(n), country="country") for n in names
        ]
        frame = pl.concat(parts).drop_nulls().unique()
        return frame.select(
            "record_id", "system", key=pl.concat_str("country", "key", separator="|")
        )
    return records.select("record_id", "system", key=pl.col(key)).drop_nulls().unique()


def _bounded(keyed: pl.DataFrame) -> pl.DataFrame:
    """Keys held by at most MAX_KEY_GROUP records."""
    return keyed.filter(pl.col("record_id").n_unique().over("key") <= MAX_KEY_GROUP)


def _key_pairs(keyed: pl.DataFrame, left: str, right: str, rule: str) -> pl.DataFrame:
    """Pairs of records of systems `left` and `right` that share a key (a < b within a system)."""
    keyed = _bounded(keyed)
    a = keyed.filter(pl.col("system") == left).select("key", record_a="record_id")
    b = keyed.filter(pl.col("system") == right).select("key", record_b="record_id")
    pairs = a.join(b, on="key")
    if left == right:
        pairs = pairs.filter(pl.col("record_a") < pl.col("record_b"))
    return pairs.select("record_a", "record_b", rule=pl.lit(rule)).unique()


def _rule_pairs(
    records: pl.DataFrame, domains: pl.DataFrame, left: str, right: str
) -> pl.DataFrame:
    """vat, name_country and domain pairs between systems `left` and `right`."""
    with_system = domains.join(records.select("record_id", "system"), on="record_id")
    parts = [
        _key_pairs(_keyed(records, "vat"), left, right, VAT),
        _key_pairs(_keyed(records, "name", ("name", "alt_name")), left, right, NAME_COUNTRY),
        _key_pairs(_keyed(with_system, "domain"), left, right, DOMAIN),
    ]
    return pl.concat(parts).sort(pl.all())


def crm_erp_pairs(crm: pl.DataFrame, erp: pl.DataFrame, domains: pl.DataFrame) -> CrossSystemPairs:
    """Every CRM-ERP pair some rule matches, stale ERP numbers set aside."""
    records = pl.concat([crm, erp], how="diagonal_relaxed")
    by_number = crm.filter(pl.col("erp_number").is_not_null()).join(
        erp.select(record_b="record_id", erp_number="erp_number"), on="erp_number"
    )
    number_pairs = by_number.select(
        record_a="record_id", record_b="record_b", rule=pl.lit(ERP_NUMBER)
    )
    other = _rule_pairs(records, domains, "crm", "erp")
    stale = _stale_numbers(number_pairs, other, crm, erp)
    accepted = (
        pl.concat([number_pairs, other])
        .join(
            stale.select("record_a", "record_b", rule=pl.lit(ERP_NUMBER)),
            on=["record_a", "record_b", "rule"],
            how="anti",
        )
        .unique()
        .sort(pl.all())
    )
    return CrossSystemPairs(accepted=accepted, stale=stale)


def duplicate_pairs(crm: pl.DataFrame, erp: pl.DataFrame, domains: pl.DataFrame) -> pl.DataFrame:
    """Pairs of records of one system that are one organisation (CRM-CRM, ERP-ERP)."""
    records = pl.concat([crm, erp], how="diagonal_relaxed")
    in_crm = _rule_pairs(records, domains, "crm", "crm")
    in_erp = _rule_pairs(records, domains, "erp", "erp").filter(pl.col("rule") != DOMAIN)
    return pl.concat([in_crm, in_erp]).sort(pl.all())


def _stale_numbers(
    number_pairs: pl.DataFrame, other: pl.DataFrame, crm: pl.DataFrame, erp: pl.DataFrame
) -> pl.DataFrame:
    """The `erp_number` pairs that strong evidence contradicts (see the module docstring)."""
    crm_side = crm.select(
        record_a="record_id", name_a="name", core_a="name_core", country_a="country", vat_a="vat"
    )
    erp_side = erp.select(
        record_b="record_id",
        name_b="name",
        alt_b="alt_name",
        core_b="name_core",
        country_b="country",
        vat_b="vat",
    )
    sides = number_pairs.join(crm_side, on="record_a").join(erp_side, on="record_b")
    sides = sides.with_columns(
        name_similarity=pl.max_horizontal(
            name_similarity(sides, "name_a", "name_b"),
            name_similarity(sides, "name_a", "alt_b"),
            name_similarity(sides, "core_a", "core_b"),
        )
    )
    strong = other.filter(pl.col("rule").is_in([VAT, NAME_COUNTRY])).select("record_a", "record_b")
    # another CRM account holds the ERP record by VAT, by name, or by its number and a
    # near-identical name: a better owner
    owners = pl.concat(
        [
            strong,
            sides.filter(pl.col("name_similarity") >= NEAR_IDENTICAL_NAMES).select(
                "record_a", "record_b"
            ),
        ]
    ).unique()
    claimed = (
        sides.join(owners, on="record_b", suffix="_other")
        .filter(pl.col("record_a_other") != pl.col("record_a"))
        .select("record_a", "record_b", claimed=pl.lit(True))
        .unique()
    )
    # the CRM account holds, by VAT or by name, another ERP record that is not a second record
    # of this one (whose name or VAT would be the same)
    elsewhere = (
        sides.select("record_a", "record_b", "name_b", "alt_b", "vat_b")
        .join(strong.rename({"record_b": "record_y"}), on="record_a")
        .filter(pl.col("record_y") != pl.col("record_b"))
        .join(erp_side.select(record_y="record_b", name_y="name_b", vat_y="vat_b"), on="record_y")
        .filter(
            (pl.col("name_y") != pl.col("name_b")).fill_null(True)
            & (pl.col("name_y") != pl.col("alt_b")).fill_null(True)
            & (pl.col("vat_y") != pl.col("vat_b")).fill_null(True)
        )
        .select("record_a", "record_b", matched_elsewhere=pl.lit(True))
        .unique()
    )
    both_known = pl.col("country_a").is_not_null() & pl.col("country_b").is_not_null()
    vats_known = pl.col("vat_a").is_not_null() & pl.col("vat_b").is_not_null()
    evidence = pl.concat_list(
        pl.when(both_known & (pl.col("country_a") != pl.col("country_b"))).then(
            pl.lit("countries differ")
        ),
        pl.when(vats_known & (pl.col("vat_a") != pl.col("vat_b"))).then(
            pl.lit("VAT numbers differ")
        ),
        pl.when(pl.col("claimed")).then(pl.lit("another account matches the ERP record better")),
        pl.when(pl.col("matched_elsewhere")).then(
            pl.lit("the account matches another ERP record better")
        ),
    ).list.drop_nulls()
    return (
        sides.join(claimed, on=["record_a", "record_b"], how="left")
        .join(elsewhere, on=["record_a", "record_b"], how="left")
        .with_columns(evidence=evidence)
        .filter(
            (pl.col("name_similarity") < NEAR_IDENTICAL_NAMES) & (pl.col("evidence").list.len() > 0)
        )
        .select(
            "record_a",
            "record_b",
            pl.col("name_similarity").round(4),
            detail=pl.col("evidence").list.join(", "),
        )
        .sort("record_a", "record_b")
    )

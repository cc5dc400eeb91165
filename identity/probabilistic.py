"""Fellegi-Sunter scoring (Splink, DuckDB in memory) of the records no rule linked across systems.

Candidates are the CRM records whose rule cluster has no ERP record and the ERP records whose
rule cluster has no CRM record; pairs are formed only between the two (link only), so a
hundred thousand prospects cost a join against a few hundred ERP records, not a self-join.

The model is deterministic and fast, nothing is trained by sampling or EM:
- m probabilities are fixed priors (what a true pair of one organisation looks like);
- u probabilities of the exact levels are the agreement rates of the CRM candidates against
  every ERP record (nearly all non-matches), computed exactly from value counts: what Splink's
  random sampling estimates, without the sampling (2 million sampled pairs took 14 s at 10,000
  customers and still left the rare name levels unobserved); the fuzzy levels' u are priors
  measured once that way;
- the prior match probability is 1 / (the larger candidate count): at most one counterpart.
Nothing is written outside an in-memory DuckDB connection.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import duckdb
import polars as pl
import splink.comparison_level_library as cll
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.comparison_library import CustomComparison

from c360.build_files import apply_build_settings, half_memory_limit
from c360.settings import Settings

if TYPE_CHECKING:
    from splink.internals.blocking_rule_creator import BlockingRuleCreator

REVIEW_FLOOR = 0.5
SCORE_COLUMNS = (
    "name",
    "name_core",
    "country",
    "city",
    "postal_code",
    "street",
    "phone",
    "vat",
    "domain",
)
PAIR_SCHEMA: dict[str, pl.DataType] = {
    "record_a": pl.String(),
    "record_b": pl.String(),
    "probability": pl.Float64(),
}
# m: share of true pairs at each level (priors). u of the fuzzy name levels: Splink's random
# sampling on a generated 10,000-customer company found one transposition or a descriptor word
# less about as rare as an exact name (~5e-6 of random pairs); near names (Jaro-Winkler >= 0.95,
# >= 0.88) came out at ~5e-6 and ~5e-4 but are set rarer in evidence (3e-4, 2e-3, lower m):
# "X Nord" and "X Sud" in one city are often two firms of one group.
NAME_M = {"exact": 0.6, "core": 0.08, "transposition": 0.14, "jw95": 0.04, "jw88": 0.04}
NAME_FUZZY_U = {"core": 5e-6, "transposition": 5e-6, "jw95": 3e-4, "jw88": 2e-3}
CITY_FUZZY_U = 1e-3
EXACT_M = {
    "country": 0.97,
    "street": 0.8,
    "phone": 0.8,
    "vat": 0.95,
    "domain": 0.85,
}


def agreement(left: pl.Series, right: pl.Series) -> float:
    """Share of (left, right) pairs of non-null values that are equal: u of an exact level.

    What random sampling estimates, computed exactly from the value counts.
    """
    left, right = left.drop_nulls(), right.drop_nulls()
    if left.len() == 0 or right.len() == 0:
        return 0.0
    counts = (
        left.rename("v")
        .value_counts(name="n_left")
        .join(right.rename("v").value_counts(name="n_right"), on="v")
    )
    shared = (counts["n_left"].cast(pl.Float64) * counts["n_right"]).sum()
    return float(shared) / (left.len() * right.len())


def _u(left: pl.Series, right: pl.Series) -> float:
    """Agreement, at least one chance pair in the whole comparison space."""
    pairs = left.drop_nulls().len() * right.drop_nulls().len()
    return max(agreement(left, right), 1.0 / pairs) if pairs else 1.0


def _level(level: cll.ComparisonLevelCreator, m: float, u: float) -> cll.ComparisonLevelCreator:
    return level.configure(m_probability=m, u_probability=u)


def _with_else(
    column: str, levels: list[tuple[cll.ComparisonLevelCreator, float, float]]
) -> CustomComparison:
    """A comparison of `levels` (level, m, u) and an else level taking the remaining mass.

    An agreement level is never weighed as evidence against a match (u <= m) and the else
    level never as evidence for one: when nearly every record shares a value (one city), u
    of agreement is ~1 and disagreement would otherwise look like proof of a match.
    """
    agree = [(level, m, min(u, m)) for level, m, u in levels]
    m_rest = 1.0 - sum(m for _, m, _ in agree)
    u_rest = max(1.0 - sum(u for _, _, u in agree), m_rest)
    return CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            *(_level(level, m, u) for level, m, u in agree),
            _level(cll.ElseLevel(), m_rest, u_rest),
        ],
    )


def comparisons(crm: pl.DataFrame, erp: pl.DataFrame) -> list[CustomComparison]:
    """Comparison levels with m priors and u from the value frequencies of `crm` x `erp`."""
    u_name = _u(crm["name"], erp["name"])
    u_core = max(_u(crm["name_core"], erp["name_core"]) - u_name, NAME_FUZZY_U["core"])
    name = _with_else(
        "name",
        [
            (cll.ExactMatchLevel("name"), NAME_M["exact"], u_name),
            (cll.ExactMatchLevel("name_core"), NAME_M["core"], u_core),
            (
                cll.DamerauLevenshteinLevel("name", 1),
                NAME_M["transposition"],
                NAME_FUZZY_U["transposition"],
            ),
            (cll.JaroWinklerLevel("name", 0.95), NAME_M["jw95"], NAME_FUZZY_U["jw95"]),
            (cll.JaroWinklerLevel("name", 0.88), NAME_M["jw88"], NAME_FUZZY_U["jw88"]),
        ],
    )
    u_postal = _u(crm["postal_code"], erp["postal_code"])
    u_area = _u(crm["postal_code"].str.slice(0, 3), erp["postal_code"].str.slice(0, 3))
    postal = _with_else(
        "postal_code",
        [
            (cll.ExactMatchLevel("postal_code"), 0.8, u_postal),
            (
                cll.CustomLevel("substr(postal_code_l, 1, 3) = substr(postal_code_r, 1, 3)"),
                0.1,
                max(u_area - u_postal, u_postal),
            ),
        ],
    )
    city = _with_else(
        "city",
        [
            (cll.ExactMatchLevel("city"), 0.85, _u(crm["city"], erp["city"])),
            (cll.JaroWinklerLevel("city", 0.9), 0.05, CITY_FUZZY_U),
        ],
    )
    exact = [
        _with_else(column, [(cll.ExactMatchLevel(column), m, _u(crm[column], erp[column]))])
        for column, m in EXACT_M.items()
    ]
    return [name, city, postal, *exact]


def _blocking_rules() -> list[BlockingRuleCreator]:
    return [
        block_on("country", "substr(name, 1, 4)"),
        block_on("country", "postal_code"),
        block_on("domain"),
        block_on("phone"),
    ]


def _input(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col("record_id").alias("unique_id"), *SCORE_COLUMNS)


def score_candidates(
    crm_candidates: pl.DataFrame,
    erp_candidates: pl.DataFrame,
    erp_all: pl.DataFrame,
    *,
    floor: float = REVIEW_FLOOR,
) -> pl.DataFrame:
    """Scored CRM-ERP pairs with a match probability of at least `floor`.

    Args:
        crm_candidates: CRM records (as `identity.records`) still without an ERP record.
        erp_candidates: ERP records still without a CRM record.
        erp_all: every ERP record, for estimating u against mostly non-matching pairs.
        floor: pairs scored below it are not returned.

    Returns:
        record_a (CRM), record_b (ERP), probability; sorted.
    """
    if crm_candidates.height == 0 or erp_candidates.height == 0:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    con = duckdb.connect()
    # An in-memory database of its own (Splink's work tables stay out of the build file), in
    # the dbt build's process: held to half the build's memory limit (the build's connection
    # keeps the other half meanwhile: refresh_step.resolve_staged_records) and its spill
    # folder, not DuckDB's default of 80 % of RAM.
    settings = Settings.from_env()
    apply_build_settings(con, settings, half_memory_limit(settings.build_memory_limit))
    try:
        return _score(con, crm_candidates, erp_candidates, erp_all, floor)
    finally:
        con.close()


def _score(
    con: duckdb.DuckDBPyConnection,
    crm_candidates: pl.DataFrame,
    erp_candidates: pl.DataFrame,
    erp_all: pl.DataFrame,
    floor: float,
) -> pl.DataFrame:
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=comparisons(crm_candidates, erp_all),
        blocking_rules_to_generate_predictions=_blocking_rules(),
        # at most one counterpart per record among the candidates
        probability_two_random_records_match=1.0
        / max(crm_candidates.height, erp_candidates.height, 2),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    crm_table = db_api.register(_input(crm_candidates).to_arrow(), dataset_display_name="crm")
    erp_table = db_api.register(_input(erp_candidates).to_arrow(), dataset_display_name="erp")
    scorer = Linker([crm_table, erp_table], settings, log_level=logging.WARNING)
    predictions = scorer.inference.predict(threshold_match_probability=floor, warning_mode="never")
    scored = con.sql(
        f"select unique_id_l, unique_id_r, match_probability from {predictions.physical_name}"
    ).pl()
    crm_side = pl.col("unique_id_l").str.starts_with("crm:")
    return (
        scored.select(
            record_a=pl.when(crm_side).then("unique_id_l").otherwise("unique_id_r"),
            record_b=pl.when(crm_side).then("unique_id_r").otherwise("unique_id_l"),
            probability=pl.col("match_probability").round(6),
        )
        .unique(subset=["record_a", "record_b"])
        .sort("record_a", "record_b")
        .cast(PAIR_SCHEMA)
    )


def best_links(pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs that are the best-scored link of both their records (ties kept).

    One organisation has one counterpart: "Cote Retail Emilia" and a typo'd "Cote Reatil" both
    score against ERP "Cote Retail" in the same city, and only the better one is the same firm.
    """
    return pairs.filter(
        (pl.col("probability") == pl.col("probability").max().over("record_a"))
        & (pl.col("probability") == pl.col("probability").max().over("record_b"))
    )

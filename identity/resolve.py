"""`resolve_identities`: CRM accounts and ERP customers in, one `customer_key` per organisation out.

Stages: the deterministic rules have run in dbt SQL (their pairs come in as `rule_pairs`);
normalise the records for the probabilistic stage; score the records the rules left without a
counterpart in the other system with Splink; cluster every accepted pair, the stewards'
overrides winning; keep each cluster's previous key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from identity import probabilistic, rules
from identity.clustering import (
    cluster_with_overrides,
    connected_components,
    validate_overrides,
)
from identity.records import CRM, ERP, all_records, crm_records, erp_records
from identity.stable_keys import assign_keys

PROBABLE_MATCH = "probable_match"
BRIDGE_SCHEMA: dict[str, pl.DataType] = {
    "customer_key": pl.String(),
    "source_system": pl.String(),
    "source_record_id": pl.String(),
    "match_rule": pl.String(),
    "match_probability": pl.Float64(),
}
REVIEW_SCHEMA: dict[str, pl.DataType] = {
    "record_a": pl.String(),
    "record_b": pl.String(),
    "probability": pl.Float64(),
    "reason": pl.String(),
}


@dataclass(frozen=True)
class IdentityResult:
    """What one resolution produced.

    bridge: customer_key, source_system (crm | erp), source_record_id, match_rule
        (erp_number | vat | name_country | domain | probabilistic | override | singleton: the
        strongest link holding the record in its cluster), match_probability (1.0 unless
        probabilistic).
    history: event_date, event (new | split | merge | retired), customer_key, related_keys,
        record_ids.
    review_queue: record_a, record_b, probability, reason (probable_match for scores in
        [0.5, threshold), stale_erp_number for ERP numbers set aside, probability null).
    stats: metric, value (records, clusters, duplicate rate, records per rule, ...).
    """

    bridge: pl.DataFrame
    history: pl.DataFrame
    review_queue: pl.DataFrame
    stats: pl.DataFrame


def _edges(pairs: pl.DataFrame, probability: float | pl.Expr = 1.0) -> pl.DataFrame:
    return pairs.select(
        "record_a", "record_b", "rule", probability=pl.lit(probability, dtype=pl.Float64)
    )


def _candidates(records: pl.DataFrame, rule_edges: pl.DataFrame) -> pl.DataFrame:
    """Records whose rule cluster has no record of the other system."""
    clusters = connected_components(records["record_id"], rule_edges)
    systems = clusters.join(records.select("record_id", "system"), on="record_id")
    alone = systems.group_by("cluster_id").agg(pl.col("system").n_unique() == 1).filter("system")
    ids = systems.join(alone.select("cluster_id"), on="cluster_id").select("record_id")
    return records.join(ids, on="record_id", how="semi")


def _record_rules(records: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    """(record_id, match_rule, match_probability): the strongest rule among a record's edges."""
    rank = {r: i for i, r in enumerate(rules.RULE_PRIORITY)}
    incident = pl.concat(
        [
            edges.select(record_id="record_a", rule="rule", probability="probability"),
            edges.select(record_id="record_b", rule="rule", probability="probability"),
        ]
    ).with_columns(rank=pl.col("rule").replace_strict(rank, return_dtype=pl.Int64))
    best = (
        incident.sort(["record_id", "rank", "probability"], descending=[False, False, True])
        .unique(subset=["record_id"], keep="first", maintain_order=True)
        .select("record_id", match_rule="rule", match_probability="probability")
    )
    return (
        records.select("record_id")
        .join(best, on="record_id", how="left")
        .with_columns(
            pl.col("match_rule").fill_null(rules.SINGLETON),
            pl.col("match_probability").fill_null(1.0),
        )
    )


def _review_queue(
    scored: pl.DataFrame, stale: pl.DataFrame, threshold: float, decided: pl.DataFrame
) -> pl.DataFrame:
    probable = scored.filter(pl.col("probability") < threshold).select(
        "record_a", "record_b", "probability", reason=pl.lit(PROBABLE_MATCH)
    )
    set_aside = stale.select(
        "record_a",
        "record_b",
        probability=pl.lit(None, dtype=pl.Float64),
        reason=pl.lit(rules.STALE_ERP_NUMBER),
    )
    queue = pl.concat([probable.cast(REVIEW_SCHEMA), set_aside.cast(REVIEW_SCHEMA)])
    # a pair a steward has already decided on is not asked again
    ordered = queue.with_columns(
        a=pl.min_horizontal("record_a", "record_b"), b=pl.max_horizontal("record_a", "record_b")
    )
    return (
        ordered.join(decided.select(a="record_a", b="record_b"), on=["a", "b"], how="anti")
        .drop("a", "b")
        .sort("reason", "record_a", "record_b")
    )


def _stats(bridge: pl.DataFrame, scored: pl.DataFrame, queue: pl.DataFrame) -> pl.DataFrame:
    records = bridge.height
    clusters = bridge["customer_key"].n_unique()
    per_system = bridge.select("customer_key", "source_system").unique().height
    both = (
        bridge.group_by("customer_key")
        .agg(pl.col("source_system").n_unique() == 2)
        .filter("source_system")
        .height
    )
    rows: list[tuple[str, float]] = [
        ("records", records),
        ("records_crm", bridge.filter(pl.col("source_system") == CRM).height),
        ("records_erp", bridge.filter(pl.col("source_system") == ERP).height),
        ("clusters", clusters),
        ("clusters_in_both_systems", both),
        # records that are a second (third...) copy of an organisation inside their own system
        ("duplicate_rate", (records - per_system) / records if records else 0.0),
        ("probabilistic_pairs_scored", scored.height),
        ("review_queue", queue.height),
        ("stale_erp_numbers", queue.filter(pl.col("reason") == rules.STALE_ERP_NUMBER).height),
    ]
    counts = dict(bridge.group_by("match_rule").len().iter_rows())
    for rule in (*rules.RULE_PRIORITY, rules.SINGLETON):
        rows.append((f"records_by_rule.{rule}", counts.get(rule, 0)))
    return pl.DataFrame(
        {"metric": [m for m, _ in rows], "value": [float(v) for _, v in rows]},
        schema={"metric": pl.String, "value": pl.Float64},
    )


def resolve_identities(
    crm_accounts: pl.DataFrame,
    crm_contacts: pl.DataFrame | None,
    erp_customers: pl.DataFrame,
    *,
    rule_pairs: pl.DataFrame,
    stale_erp_numbers: pl.DataFrame | None = None,
    overrides: pl.DataFrame | None = None,
    previous: pl.DataFrame | None = None,
    as_of: date,
    threshold: float = 0.9,
) -> IdentityResult:
    """Resolve which CRM accounts and ERP customers are one organisation.

    Args:
        crm_accounts: `stg_crm__accounts` rows (deleted accounts already left out).
        crm_contacts: `stg_crm__contacts` rows (an account without a website takes its
            contacts' e-mail domain), or None.
        erp_customers: `stg_erp__customers` rows.
        rule_pairs: what the deterministic rules matched (`int_identity_rule_pairs`: record_a,
            record_b, rule `erp_number` | `vat` | `name_country` | `domain`).
        stale_erp_numbers: ERP numbers the rules set aside (record_a, record_b), for the
            review queue, or None.
        overrides: stewards' decisions (record_a, record_b, decision `same` | `never_same`,
            records as `crm:<account_id>` / `erp:<customer_number>`), or None.
        previous: the previous run's bridge or (record_id, customer_key), to keep keys stable.
        as_of: the date the history events carry.
        threshold: match probability from which a scored pair is accepted; pairs from 0.5 up
            to it go to the review queue.

    Returns:
        The bridge, the history of key events, the review queue and statistics.

    Raises:
        ValueError: if the threshold is not in (0.5, 1], an override is malformed, or a rule
            pair names an unknown rule or record.
    """
    if not probabilistic.REVIEW_FLOOR < threshold <= 1.0:
        raise ValueError(f"threshold must be in ({probabilistic.REVIEW_FLOOR}, 1], got {threshold}")
    decided = validate_overrides(overrides)
    crm = crm_records(crm_accounts, crm_contacts)
    erp = erp_records(erp_customers)
    records = all_records(crm, erp)
    matched = rules.rule_pairs(rule_pairs, stale_erp_numbers, records["record_id"])
    rule_edges = _edges(matched.accepted)

    candidates = _candidates(records, rule_edges)
    scored = probabilistic.score_candidates(
        candidates.filter(pl.col("system") == CRM),
        candidates.filter(pl.col("system") == ERP),
        erp,
    )
    accepted = probabilistic.best_links(scored.filter(pl.col("probability") >= threshold)).select(
        "record_a", "record_b", rule=pl.lit(rules.PROBABILISTIC), probability="probability"
    )
    clusters, edges = cluster_with_overrides(
        records["record_id"], pl.concat([rule_edges, accepted]), decided
    )
    keys, history = assign_keys(clusters, previous, as_of)
    bridge = (
        keys.join(_record_rules(records, edges), on="record_id")
        .join(records.select("record_id", "system", "source_id"), on="record_id")
        .select(
            "customer_key",
            source_system="system",
            source_record_id="source_id",
            match_rule="match_rule",
            match_probability="match_probability",
        )
        .cast(BRIDGE_SCHEMA)
        .sort("source_system", "source_record_id")
    )
    queue = _review_queue(scored, matched.stale, threshold, decided)
    return IdentityResult(
        bridge=bridge, history=history, review_queue=queue, stats=_stats(bridge, scored, queue)
    )

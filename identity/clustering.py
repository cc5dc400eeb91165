"""Clusters of records: connected components over the accepted pairs, stewards' overrides applied.

Every accepted pair is an edge, whatever the systems (CRM-ERP, CRM-CRM, ERP-ERP), so duplicates
inside one system land in one cluster. Stewards' overrides win over every rule:

- `same` adds an edge (rule `override`);
- `never_same` removes the edge between the two records, and if they are still connected
  through others, the weaker of the two is cut loose: all its edges (other than `same`
  overrides) are dropped and the graph is clustered again. The weaker record is the one whose
  strongest edge ranks lower in `RULE_PRIORITY`, then the one with fewer edges, then the larger
  record id. Should `same` overrides alone still join the two, the weaker record's `same`
  overrides are dropped too: `never_same` wins.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from identity.rules import OVERRIDE, RULE_PRIORITY

SAME, NEVER_SAME = "same", "never_same"
EDGE_SCHEMA: dict[str, pl.DataType] = {
    "record_a": pl.String(),
    "record_b": pl.String(),
    "rule": pl.String(),
    "probability": pl.Float64(),
}
OVERRIDE_SCHEMA: dict[str, pl.DataType] = {
    "record_a": pl.String(),
    "record_b": pl.String(),
    "decision": pl.String(),
}


def connected_components(record_ids: pl.Series, edges: pl.DataFrame) -> pl.DataFrame:
    """(record_id, cluster_id): cluster_id is the smallest record id of the component.

    Minimum-label propagation with pointer jumping, in NumPy: a few passes over the edges
    whatever the number of records (components here are small and shallow).
    """
    ids = record_ids.unique().sort()
    index = pl.DataFrame({"record_id": ids, "i": np.arange(ids.len(), dtype=np.int64)})
    pairs = (
        edges.select("record_a", "record_b")
        .join(index.rename({"record_id": "record_a", "i": "a"}), on="record_a")
        .join(index.rename({"record_id": "record_b", "i": "b"}), on="record_b")
    )
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    label = np.arange(ids.len(), dtype=np.int64)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    return pl.DataFrame({"record_id": ids, "cluster_id": ids.gather(label)})


def _ordered(frame: pl.DataFrame) -> pl.DataFrame:
    """Pairs with record_a <= record_b, so a pair is the same row whichever way it was written."""
    return frame.with_columns(
        record_a=pl.min_horizontal("record_a", "record_b"),
        record_b=pl.max_horizontal("record_a", "record_b"),
    )


def validate_overrides(overrides: pl.DataFrame | None) -> pl.DataFrame:
    """The overrides frame checked and ordered; the last decision on a pair wins.

    Raises:
        ValueError: if a column is missing or a decision is not `same` / `never_same`.
    """
    if overrides is None:
        return pl.DataFrame(schema=OVERRIDE_SCHEMA)
    missing = set(OVERRIDE_SCHEMA) - set(overrides.columns)
    if missing:
        raise ValueError(
            f"overrides need columns {sorted(OVERRIDE_SCHEMA)}, missing {sorted(missing)}"
        )
    frame = overrides.select(list(OVERRIDE_SCHEMA)).cast(OVERRIDE_SCHEMA)
    frame = frame.with_columns(
        pl.col("record_a").str.strip_chars(),
        pl.col("record_b").str.strip_chars(),
        pl.col("decision").str.strip_chars().str.to_lowercase(),
    )
    bad = frame.filter(~pl.col("decision").is_in([SAME, NEVER_SAME]))
    if bad.height:
        got = bad["decision"].to_list()
        raise ValueError(f"override decisions must be {SAME!r} or {NEVER_SAME!r}, got {got}")
    return (
        _ordered(frame)
        .filter(pl.col("record_a") != pl.col("record_b"))
        .unique(subset=["record_a", "record_b"], keep="last", maintain_order=True)
    )


def _strength(rule: pl.Expr) -> pl.Expr:
    """Higher for stronger rules (`override` highest)."""
    ranks = {r: len(RULE_PRIORITY) - i for i, r in enumerate(RULE_PRIORITY)}
    return rule.replace_strict(ranks, default=0, return_dtype=pl.Int64)


def _weaker(edges: pl.DataFrame, conflicts: pl.DataFrame) -> pl.DataFrame:
    """For each conflicting pair, the record to cut loose."""
    incident = pl.concat(
        [
            edges.select(record_id="record_a", rule="rule"),
            edges.select(record_id="record_b", rule="rule"),
        ]
    )
    standing = incident.group_by("record_id").agg(
        strength=_strength(pl.col("rule")).max(), degree=pl.len()
    )

    def side(column: str, suffix: str) -> pl.DataFrame:
        return (
            conflicts.select(pair=pl.struct("record_a", "record_b"), record_id=pl.col(column))
            .join(standing, on="record_id", how="left")
            .rename(
                {"record_id": f"id_{suffix}", "strength": f"s_{suffix}", "degree": f"d_{suffix}"}
            )
        )

    both = side("record_a", "a").join(side("record_b", "b"), on="pair")
    a_weaker = (pl.col("s_a").fill_null(0) < pl.col("s_b").fill_null(0)) | (
        (pl.col("s_a").fill_null(0) == pl.col("s_b").fill_null(0))
        & (
            (pl.col("d_a").fill_null(0) < pl.col("d_b").fill_null(0))
            | (
                (pl.col("d_a").fill_null(0) == pl.col("d_b").fill_null(0))
                & (pl.col("id_a") > pl.col("id_b"))
            )
        )
    )
    return both.select(record_id=pl.when(a_weaker).then("id_a").otherwise("id_b")).unique()


def cluster_with_overrides(
    record_ids: pl.Series, edges: pl.DataFrame, overrides: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Clusters after the overrides, and the edges that hold them together.

    Returns (clusters: record_id, cluster_id; edges: record_a, record_b, rule, probability).
    Overrides naming a record that is not in `record_ids` are ignored.
    """
    decided = validate_overrides(overrides)
    known = record_ids.unique()
    known_ids = known.implode()
    decided = decided.filter(
        pl.col("record_a").is_in(known_ids) & pl.col("record_b").is_in(known_ids)
    )
    never = decided.filter(pl.col("decision") == NEVER_SAME).select("record_a", "record_b")
    same = decided.filter(pl.col("decision") == SAME).select(
        "record_a", "record_b", rule=pl.lit(OVERRIDE), probability=pl.lit(1.0)
    )
    graph = _ordered(edges.select(list(EDGE_SCHEMA)).cast(EDGE_SCHEMA)).join(
        never, on=["record_a", "record_b"], how="anti"
    )
    graph = pl.concat([graph, same.cast(EDGE_SCHEMA)])
    cut_before: set[str] = set()
    for _ in range(4 * never.height + 2):
        clusters = connected_components(known, graph)
        conflicts = (
            never.join(
                clusters.rename({"record_id": "record_a", "cluster_id": "c_a"}), on="record_a"
            )
            .join(clusters.rename({"record_id": "record_b", "cluster_id": "c_b"}), on="record_b")
            .filter(pl.col("c_a") == pl.col("c_b"))
            .select("record_a", "record_b")
        )
        if conflicts.height == 0:
            return clusters, graph.sort("record_a", "record_b", "rule")
        weaker = _weaker(graph, conflicts)["record_id"]
        cut = weaker.implode()
        touches = pl.col("record_a").is_in(cut) | pl.col("record_b").is_in(cut)
        # a record cut loose once and still conflicting is held by `same` overrides: drop those
        again = weaker.is_in(list(cut_before))
        stubborn = weaker.filter(again).implode()
        drop = touches & (
            (pl.col("rule") != OVERRIDE)
            | pl.col("record_a").is_in(stubborn)
            | pl.col("record_b").is_in(stubborn)
        )
        graph = graph.filter(~drop)
        cut_before.update(weaker.to_list())
    raise RuntimeError("never_same overrides could not be satisfied")  # pragma: no cover

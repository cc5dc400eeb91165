"""Pairwise precision, recall and F1 of the clusters against the generator's ground truth.

A pair is two records (CRM or ERP) in one cluster; it is true when both belong to one
organisation (`truth/organisations.parquet`). Only records present in the bridge count, so a
CRM account deleted before the extract is neither a hit nor a miss.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from identity.records import CRM, ERP, record_id


@dataclass(frozen=True)
class PairwiseScores:
    """Pair counts and the scores derived from them."""

    predicted_pairs: int
    true_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        """Share of predicted pairs that are true (1.0 when nothing was predicted)."""
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs that were predicted (1.0 when there is none)."""
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def truth_records(organisations: pl.DataFrame) -> pl.DataFrame:
    """(record_id, org_id) of every CRM account and ERP customer in the ground truth."""
    crm = organisations.select("org_id", key=pl.col("crm_account_ids")).explode("key")
    erp = organisations.select("org_id", key=pl.col("erp_customer_numbers")).explode("key")
    return pl.concat(
        [
            crm.drop_nulls().select(record_id=record_id(CRM, pl.col("key")), org_id="org_id"),
            erp.drop_nulls().select(record_id=record_id(ERP, pl.col("key")), org_id="org_id"),
        ]
    ).unique(subset=["record_id"])


def _pairs(counts: pl.Expr) -> pl.Expr:
    return (counts * (counts - 1) // 2).sum()


def labelled(bridge: pl.DataFrame, organisations: pl.DataFrame) -> pl.DataFrame:
    """The bridge's records with their true org_id (records unknown to the truth dropped)."""
    records = bridge.select(
        "customer_key",
        record_id=pl.concat_str("source_system", pl.lit(":"), "source_record_id"),
    )
    return records.join(truth_records(organisations), on="record_id")


def pairwise_scores(bridge: pl.DataFrame, organisations: pl.DataFrame) -> PairwiseScores:
    """Scores of the bridge's clusters (customer_key) against the true organisations."""
    frame = labelled(bridge, organisations)
    predicted = frame.group_by("customer_key").len().select(_pairs(pl.col("len"))).item()
    true = frame.group_by("org_id").len().select(_pairs(pl.col("len"))).item()
    correct = frame.group_by("customer_key", "org_id").len().select(_pairs(pl.col("len"))).item()
    return PairwiseScores(
        predicted_pairs=int(predicted or 0),
        true_pairs=int(true or 0),
        correct_pairs=int(correct or 0),
    )


def cluster_errors(bridge: pl.DataFrame, organisations: pl.DataFrame) -> pl.DataFrame:
    """Where to look when a score drops: false merges and missed links, with their records.

    `merged`: a cluster (key) holding several organisations; `split`: an organisation (key)
    spread over several clusters.
    """
    frame = labelled(bridge, organisations)
    merged = (
        frame.group_by("customer_key")
        .agg(pl.col("org_id").unique().sort().alias("org_ids"), pl.col("record_id").sort())
        .filter(pl.col("org_ids").list.len() > 1)
        .select(error=pl.lit("merged"), key=pl.col("customer_key"), record_ids="record_id")
    )
    split = (
        frame.group_by("org_id")
        .agg(pl.col("customer_key").n_unique().alias("keys"), pl.col("record_id").sort())
        .filter(pl.col("keys") > 1)
        .select(error=pl.lit("split"), key=pl.col("org_id"), record_ids="record_id")
    )
    return pl.concat([merged, split]).sort("error", "key")

"""`customer_key`s that survive refreshes, and the history of merges and splits.

Given the previous assignment (record_id -> customer_key) and today's clusters:

1. each cluster proposes the previous key most of its previously keyed members had (ties: the
   smallest key, the oldest in a deterministic sense);
2. a key proposed by several clusters stays with the biggest (then the one with most members
   carrying it, then the smallest cluster id); the others propose their next most common key
   still free, and so on until no cluster has a free previous key to propose;
3. a cluster left without one gets a new key: the first 16 hex digits of md5("c360:" + its
   smallest record id), re-hashed with ":1", ":2"... in the rare case that this key was
   ever used, so a retired key never comes back.

Events, one row per key and kind:
- `new`: a key handed out today; related_keys are the previous keys its records had (none
  for records seen for the first time), record_ids all its records;
- `merge`: a kept key whose cluster took in records of other keys (related_keys, record_ids:
  the records that came over);
- `split`: a kept key some of whose records now belong to other keys (related_keys, record_ids:
  the records that left);
- `retired`: a previous key no cluster kept; related_keys are the keys its records have now.
Records that disappear from the inputs leave their key without an event.
"""

from __future__ import annotations

import hashlib
from datetime import date

import polars as pl

NEW, SPLIT, MERGE, RETIRED = "new", "split", "merge", "retired"
KEY_PREFIX = "c360:"
KEY_HEX_DIGITS = 16
ASSIGNMENT_SCHEMA: dict[str, pl.DataType] = {"record_id": pl.String(), "customer_key": pl.String()}
HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "event_date": pl.Date(),
    "event": pl.String(),
    "customer_key": pl.String(),
    "related_keys": pl.List(pl.String()),
    "record_ids": pl.List(pl.String()),
}


def new_key(record_id: str, attempt: int = 0) -> str:
    """The key a new cluster whose smallest record id is `record_id` gets."""
    text = KEY_PREFIX + record_id + (f":{attempt}" if attempt else "")
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:KEY_HEX_DIGITS]


def previous_assignment(previous: pl.DataFrame | None) -> pl.DataFrame:
    """(record_id, customer_key) from a previous assignment or a previous bridge.

    A bridge (source_system, source_record_id, customer_key) is accepted as well.
    """
    if previous is None:
        return pl.DataFrame(schema=ASSIGNMENT_SCHEMA)
    if "record_id" not in previous.columns:
        previous = previous.with_columns(
            record_id=pl.concat_str("source_system", pl.lit(":"), "source_record_id")
        )
    return (
        previous.select(list(ASSIGNMENT_SCHEMA))
        .cast(ASSIGNMENT_SCHEMA)
        .drop_nulls()
        .unique(subset=["record_id"], keep="first", maintain_order=True)
    )


def _keep_previous_keys(clusters: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """(cluster_id, customer_key) for the clusters that keep a previous key."""
    size = clusters.group_by("cluster_id").agg(size=pl.len())
    votes = (
        clusters.join(previous, on="record_id")
        .group_by("cluster_id", "customer_key")
        .agg(votes=pl.len())
        .join(size, on="cluster_id")
    )
    kept = pl.DataFrame(schema={"cluster_id": pl.String, "customer_key": pl.String})
    while True:
        open_votes = votes.join(kept, on="cluster_id", how="anti").join(
            kept.select("customer_key"), on="customer_key", how="anti"
        )
        if open_votes.height == 0:
            return kept
        proposals = open_votes.sort(
            ["cluster_id", "votes", "customer_key"], descending=[False, True, False]
        ).unique(subset=["cluster_id"], keep="first", maintain_order=True)
        winners = proposals.sort(
            ["customer_key", "size", "votes", "cluster_id"], descending=[False, True, True, False]
        ).unique(subset=["customer_key"], keep="first", maintain_order=True)
        kept = pl.concat([kept, winners.select("cluster_id", "customer_key")])


def _new_keys(cluster_ids: list[str], used: set[str]) -> list[str]:
    keys = []
    for cluster_id in cluster_ids:
        attempt = 0
        key = new_key(cluster_id)
        while key in used:
            attempt += 1
            key = new_key(cluster_id, attempt)
        used.add(key)
        keys.append(key)
    return keys


def assign_keys(
    clusters: pl.DataFrame, previous: pl.DataFrame | None, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keys for today's clusters and the events that changed them.

    Args:
        clusters: record_id, cluster_id (the cluster's smallest record id).
        previous: the previous assignment (record_id, customer_key) or bridge, or None.
        as_of: the date of the events.

    Returns:
        (record_id, customer_key) for every record, and the history events.
    """
    before = previous_assignment(previous)
    kept = _keep_previous_keys(clusters, before)
    fresh = (
        clusters.select("cluster_id")
        .unique()
        .join(kept, on="cluster_id", how="anti")
        .sort("cluster_id")["cluster_id"]
        .to_list()
    )
    used = set(before["customer_key"].to_list())
    fresh_keys = pl.DataFrame(
        {"cluster_id": fresh, "customer_key": _new_keys(fresh, used)},
        schema={"cluster_id": pl.String, "customer_key": pl.String},
    )
    cluster_keys = pl.concat([kept, fresh_keys])
    assignment = (
        clusters.join(cluster_keys, on="cluster_id")
        .select(list(ASSIGNMENT_SCHEMA))
        .sort("record_id")
    )
    return assignment, _events(assignment, before, kept, as_of)


def _events(
    assignment: pl.DataFrame, before: pl.DataFrame, kept: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    kept_keys = kept["customer_key"].implode()
    moved = assignment.join(before.rename({"customer_key": "old_key"}), on="record_id").filter(
        pl.col("customer_key") != pl.col("old_key")
    )
    created = (
        assignment.filter(~pl.col("customer_key").is_in(kept_keys))
        .join(moved.select("record_id", "old_key"), on="record_id", how="left")
        .group_by("customer_key")
        .agg(
            record_ids=pl.col("record_id").unique().sort(),
            related_keys=pl.col("old_key").drop_nulls().unique().sort(),
        )
        .with_columns(event=pl.lit(NEW))
    )
    merged = (
        moved.filter(pl.col("customer_key").is_in(kept_keys))
        .group_by("customer_key")
        .agg(record_ids=pl.col("record_id").sort(), related_keys=pl.col("old_key").unique().sort())
        .with_columns(event=pl.lit(MERGE))
    )
    split = (
        moved.filter(pl.col("old_key").is_in(kept_keys))
        .group_by("old_key")
        .agg(
            record_ids=pl.col("record_id").sort(),
            related_keys=pl.col("customer_key").unique().sort(),
        )
        .rename({"old_key": "customer_key"})
        .with_columns(event=pl.lit(SPLIT))
    )
    retired = (
        before.filter(~pl.col("customer_key").is_in(kept_keys))
        .join(assignment.rename({"customer_key": "now_key"}), on="record_id", how="left")
        .group_by("customer_key")
        .agg(
            record_ids=pl.col("record_id").sort(),
            related_keys=pl.col("now_key").drop_nulls().unique().sort(),
        )
        .with_columns(event=pl.lit(RETIRED))
    )
    columns = ["event", "customer_key", "related_keys", "record_ids"]
    return (
        pl.concat([f.select(columns) for f in (created, merged, split, retired)])
        .select(pl.lit(as_of).alias("event_date"), *columns)
        .cast(HISTORY_SCHEMA)
        .sort("event", "customer_key")
    )

"""Business keys numbered in the order records were created, as source systems number them."""

from __future__ import annotations

import numpy as np
import polars as pl


def creation_rank(*sort_keys: np.ndarray) -> np.ndarray:
    """1-based rank of each row when sorted by the keys (first key first, ties by row order).

    Systems hand out sequential numbers as records are created, so numbering by creation time
    makes `C000001` the oldest customer and keeps keys sortable like the real ones.
    """
    order = np.lexsort(tuple(reversed(sort_keys)))
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(1, order.size + 1)
    return rank


def format_ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """`prefix` followed by each number zero-padded to `width` digits (wider if it must be)."""
    digits = pl.Series(np.asarray(numbers, dtype=np.int64)).cast(pl.String).str.zfill(width)
    return pl.select(pl.concat_str(pl.lit(prefix), digits)).to_series()


def sequence_ids(prefix: str, width: int, *sort_keys: np.ndarray) -> pl.Series:
    """Identifiers numbered by creation order, see `creation_rank`."""
    return format_ids(prefix, creation_rank(*sort_keys), width)

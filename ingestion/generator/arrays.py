"""Vectorised one-to-many helpers: expanding parents into a variable number of children."""

from __future__ import annotations

import numpy as np


def parent_index(counts: np.ndarray) -> np.ndarray:
    """For children laid out parent by parent, the index of each child's parent."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.repeat(np.arange(counts.size, dtype=np.int64), counts)


def position_in_parent(counts: np.ndarray) -> np.ndarray:
    """0-based position of each child inside its parent (0, 1, 2, 0, 1, 0, ...)."""
    counts = np.asarray(counts, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(offsets, counts)


def group_offsets(sorted_groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Start offset and size of each group id 0..n_groups-1 in an array sorted by group."""
    counts = np.bincount(sorted_groups, minlength=n_groups).astype(np.int64)
    return np.cumsum(counts) - counts, counts


def pick_in_groups(
    rng: np.random.Generator, offsets: np.ndarray, counts: np.ndarray, groups: np.ndarray
) -> np.ndarray:
    """A uniformly chosen member position of each requested group, -1 where the group is empty."""
    size = counts[groups]
    chosen = offsets[groups] + np.floor(rng.random(groups.size) * size).astype(np.int64)
    return np.where(size > 0, chosen, -1)

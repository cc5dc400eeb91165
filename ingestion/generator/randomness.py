"""Independent, reproducible random streams, one per topic of the simulation."""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, topic: str, block: int = 0) -> np.random.Generator:
    """Return the random stream of one topic (for example "erp.sales") for a seed and block.

    Each topic gets its own stream, derived from the seed and a stable checksum of the topic
    name, so that drawing more numbers in one module never shifts what another module draws:
    changing how cases are simulated leaves every invoice byte-identical. Each block of customers
    (see `blocks.py`) gets its own streams too.
    """
    return np.random.default_rng([seed, zlib.crc32(topic.encode("utf-8")), block])


def pick_weighted(rng: np.random.Generator, weights: tuple[float, ...], size: int) -> np.ndarray:
    """Draw `size` indices into `weights` (normalised here, so they need not sum to one)."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum())

"""Blocks of customers: the unit the company is simulated and written in, to bound memory.

A 1,000,000-customer company does not fit in memory at once (the 100,000 run peaked at 2.7 GB),
so customers are split into blocks of at most `BLOCK_CUSTOMERS`, each simulated with its own random
streams and appended to the extract files before the next one starts. Records never cross a
block (an organisation's accounts, orders, invoices all live in its block), so each block's full
extract and deltas can be cut on their own. Business keys stay unique across blocks because each
block numbers its records after the ones the earlier blocks used (`Numbering`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ingestion.generator.identifiers import creation_rank, format_ids
from ingestion.generator.randomness import rng_for

# ~0.9 GB of tables per block at peak; fewer, bigger blocks write faster, smaller ones use less
BLOCK_CUSTOMERS = 40_000


@dataclass
class Numbering:
    """The last number handed out per identifier prefix, shared by all blocks."""

    used: dict[str, int] = field(default_factory=dict)

    def ids(self, prefix: str, width: int, *sort_keys: np.ndarray) -> pl.Series:
        """Sequential ids by creation order (see `creation_rank`), after earlier blocks' ones."""
        offset = self.used.get(prefix, 0)
        rank = creation_rank(*sort_keys)
        self.used[prefix] = offset + rank.size
        return format_ids(prefix, rank + offset, width)


@dataclass(frozen=True)
class Block:
    """One block of customers: its position, size and random streams."""

    seed: int
    index: int
    customers: int
    org_offset: int
    numbering: Numbering

    def rng(self, topic: str) -> np.random.Generator:
        """The block's random stream of a topic."""
        return rng_for(self.seed, topic, self.index)

    def ids(self, prefix: str, width: int, *sort_keys: np.ndarray) -> pl.Series:
        """Identifiers numbered after the earlier blocks' ones."""
        return self.numbering.ids(prefix, width, *sort_keys)


def block_sizes(customers: int, block_customers: int | None = None) -> list[int]:
    """Customers per block: as even as possible, none above `block_customers`."""
    n_blocks = -(-customers // (block_customers or BLOCK_CUSTOMERS))
    base, extra = divmod(customers, n_blocks)
    return [base + (1 if i < extra else 0) for i in range(n_blocks)]

"""People's names and e-mail addresses, drawn as indices into the name pools."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.pools import FIRST_NAMES, LAST_NAMES, slug

_FIRST = pl.Series(FIRST_NAMES)
_LAST = pl.Series(LAST_NAMES)
# Mailboxes are ASCII: "Jérôme Müller" writes from jerome.muller@...
_FIRST_ASCII = pl.Series([slug(x, "") for x in FIRST_NAMES])
_LAST_ASCII = pl.Series([slug(x, "") for x in LAST_NAMES])


def draw_people(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Random (first name index, last name index) pairs."""
    return rng.integers(0, len(FIRST_NAMES), size), rng.integers(0, len(LAST_NAMES), size)


def first_names(first: np.ndarray) -> pl.Series:
    """First names of the drawn people."""
    return _FIRST.gather(first)


def last_names(last: np.ndarray) -> pl.Series:
    """Last names of the drawn people."""
    return _LAST.gather(last)


def full_names(first: np.ndarray, last: np.ndarray) -> pl.Series:
    """Full names (first, then last) of the drawn people."""
    return pl.select(
        pl.concat_str(_FIRST.gather(first), _LAST.gather(last), separator=" ")
    ).to_series()


def emails(first: np.ndarray, last: np.ndarray, domains: pl.Series) -> pl.Series:
    """first.last@domain for each drawn person and the domain of their organisation."""
    return pl.select(
        pl.concat_str(
            _FIRST_ASCII.gather(first), pl.lit("."), _LAST_ASCII.gather(last), pl.lit("@"), domains
        )
    ).to_series()

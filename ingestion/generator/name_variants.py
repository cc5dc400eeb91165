"""Spelling variants of an organisation's name, as two systems' users type it differently.

"ACME Corp" in the CRM is "ACME CORPORATION SAS" in the ERP: case, a "The", "&" for "and", a
typo, accents lost by an ASCII-only tool, a legal suffix. Each variant is a vectorised string
expression, so a million names are varied without a Python loop.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.pools import (
    COMPANY_ACTIVITIES,
    COMPANY_AREAS,
    COMPANY_FAMILIES,
    SPECIAL_ORGANISATIONS,
    ascii_fold,
)

VARIANTS: tuple[str, ...] = ("upper case", "the", "ampersand", "typo", "accents lost", "suffix")
_EXTRA_SUFFIXES: tuple[str, ...] = ("Corp", "Group", "Holding", "International", "Ltd")


def _folded_characters() -> tuple[list[str], list[str]]:
    """Every non-ASCII character of the name pools and its ASCII folding."""
    words = (*COMPANY_FAMILIES, *COMPANY_ACTIVITIES, *COMPANY_AREAS)
    text = "".join(words) + "".join(name for name, _ in SPECIAL_ORGANISATIONS)
    accented = sorted({c for c in text if ord(c) > 127})
    return accented, [ascii_fold(c) or "?" for c in accented]


_ACCENTED, _FOLDED = _folded_characters()


def vary_names(names: pl.Series, rng: np.random.Generator) -> tuple[pl.Series, pl.Series]:
    """A variant of each name and the kind of variant (one of `VARIANTS`).

    A kind that would leave the name unchanged (no "&" to spell out, no accent to lose) falls
    back to upper case, so every returned name differs from its original.
    """
    n = names.len()
    kind = rng.integers(0, len(VARIANTS), n)
    length = names.str.len_chars().to_numpy()
    # swap two neighbouring letters somewhere after the first one
    at = 1 + np.floor(rng.random(n) * np.maximum(length - 2, 1)).astype(np.int64)
    suffix = pl.Series(_EXTRA_SUFFIXES).gather(rng.integers(0, len(_EXTRA_SUFFIXES), n))
    frame = pl.DataFrame({"name": names, "kind": kind, "at": at, "suffix": suffix})
    name = pl.col("name")
    at_expr = pl.col("at")
    typo = pl.concat_str(
        name.str.slice(0, at_expr),
        name.str.slice(at_expr + 1, 1),
        name.str.slice(at_expr, 1),
        name.str.slice(at_expr + 2),
    )
    ampersand = name.str.replace_all(" & ", " and ", literal=True)
    candidates = [
        name.str.to_uppercase(),
        pl.concat_str(pl.lit("The "), name),
        ampersand,
        typo,
        name.str.replace_many(_ACCENTED, _FOLDED),
        pl.concat_str(name, pl.col("suffix"), separator=" "),
    ]
    varied = pl.when(pl.col("kind") == 0).then(candidates[0])
    for i, candidate in enumerate(candidates[1:], start=1):
        varied = varied.when(pl.col("kind") == i).then(candidate)
    out = frame.select(variant=varied, name=name, kind=pl.col("kind"))
    changed = pl.col("variant") != pl.col("name")
    out = out.select(
        variant=pl.when(changed).then("variant").otherwise(pl.col("name").str.to_uppercase()),
        kind=pl.when(changed).then(pl.col("kind")).otherwise(0),
    )
    return out["variant"], pl.Series(VARIANTS).gather(out["kind"].to_numpy())

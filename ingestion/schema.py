"""The contract's value rules as a pandera schema (Polars backend), and its failures as reasons.

Typing happens before (see `ingestion.validate`): pandera checks the typed frame for what the
contract says a value must be (present, within bounds, one of a set) and reports every failing
row with its 0-based index, which is turned into one readable reason per failure.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from functools import cache

import polars as pl

from ingestion.contracts import Column, Entity

with warnings.catch_warnings():
    # With the `spark` extra installed, pandera's typing imports `pyspark.pandas`, which warns on
    # every import that it does not support pandas 3: every `c360 refresh` printed it. c360
    # validates Polars frames and never uses pyspark's pandas API.
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    import pandera.polars as pa


def _checks(column: Column) -> list[pa.Check]:
    checks = []
    if column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum))
    if column.maximum is not None:
        checks.append(pa.Check.le(column.maximum))
    if column.allowed is not None:
        checks.append(pa.Check.isin(list(column.allowed)))
    return checks


@cache
def contract_schema(entity: Entity) -> pa.DataFrameSchema:
    """The value rules of an entity: required columns non-null, bounds and allowed values."""
    return pa.DataFrameSchema(
        {
            c.name: pa.Column(None, nullable=not c.required, checks=_checks(c))
            for c in entity.columns
        },
        name=f"{entity.source}.{entity.name}",
        strict=False,
    )


def _reason(column: Column, check: str, text: str | None) -> str:
    if check == "not_nullable":
        return f"{column.name}: required value missing"
    if check.startswith("greater_than_or_equal_to"):
        return f"{column.name}: {text} is below the minimum {column.minimum}"
    if check.startswith("less_than_or_equal_to"):
        return f"{column.name}: {text} is above the maximum {column.maximum}"
    if check.startswith("isin") and column.allowed is not None:
        return f"{column.name}: '{text}' is not one of {', '.join(column.allowed)}"
    return f"{column.name}: {check} failed for '{text}'"


def rule_failures(
    typed: pl.DataFrame, text: pl.DataFrame, entity: Entity, unparsed: set[tuple[int, str]]
) -> dict[int, list[str]]:
    """Reasons per row index for every failed rule, in contract column order.

    `text` holds the values as read, quoted in the reasons; `unparsed` lists (row, column) pairs
    whose value did not parse, already reported, so their null is not reported again.
    """
    if typed.height == 0:
        return {}
    try:
        contract_schema(entity).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return {}
    order = {c.name: i for i, c in enumerate(entity.columns)}
    columns = {c.name: c for c in entity.columns}
    found: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for case in cases.iter_rows(named=True):
        index, name = case["index"], case["column"]
        if index is None or name not in columns or (index, name) in unparsed:
            continue
        value = text[name][index]
        found[index].append(
            (order[name], case["check_number"] or 0, _reason(columns[name], case["check"], value))
        )
    return {index: [r for *_, r in sorted(reasons)] for index, reasons in found.items()}

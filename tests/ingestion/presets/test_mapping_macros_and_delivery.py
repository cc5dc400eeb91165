"""The mapping's shared SQL: a preset's macros, the `delivery` table, a reason on several tables."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingestion.contracts import load_contracts
from ingestion.presets.mapping import NATIVE_ID, MappingError, run_mapping
from ingestion.presets.model import parse_preset

ERP = load_contracts()["erp"]


def _preset(**extra: object) -> dict[str, object]:
    return {
        "source": "erp",
        "tables": {
            "parts": {"file": "parts.csv", "columns": {"ID": {}, "MADE": {"type": "date"}}},
            "notes": {"file": "notes.csv", "lookup": True, "columns": {"ID": {}}},
        },
        "entities": {
            "products": {"from": "parts", "columns": {"sku": "clean_id(ID)", "kind": "'goods'"}}
        },
        **extra,
    }


def _tables() -> dict[str, pl.DataFrame]:
    parts = pl.DataFrame(
        {"ID": ["0042", "7", "#"], "MADE": [dt.date(2021, 1, 1), dt.date(2031, 1, 1), None]}
    )
    notes = pl.DataFrame({"ID": ["#", "1"]})
    return {
        "parts": parts.with_columns(pl.int_range(1, 4).cast(pl.Int64).alias(NATIVE_ID)),
        "notes": notes.with_columns(pl.int_range(10, 12).cast(pl.Int64).alias(NATIVE_ID)),
    }


def test_a_macro_is_one_rule_every_expression_calls() -> None:
    preset = parse_preset(
        _preset(macros={"clean_id": "(id) as ltrim(id, '0')"}), ERP, "test preset"
    )

    result = run_mapping(preset, ERP.entities, _tables())

    assert result.entities[0].frame["sku"].to_list() == ["42", "7", "#"]


def test_a_skip_rule_compares_with_the_delivery_extract_date() -> None:
    skip = {
        "table": "parts",
        "where": "MADE > (select extract_date from delivery)",
        "reason": "made after the export",
    }
    preset = parse_preset(
        _preset(macros={"clean_id": "(id) as id"}, skip=[skip]), ERP, "test preset"
    )

    result = run_mapping(preset, ERP.entities, _tables(), dt.date(2026, 12, 1))

    assert result.skipped["made after the export"][NATIVE_ID].to_list() == [2]
    assert result.entities[0].frame["sku"].to_list() == ["0042", "#"]


def test_one_reason_given_to_rows_of_two_tables_takes_both() -> None:
    reason = "placeholder row"
    skips = [
        {"table": "parts", "where": "ID = '#'", "reason": reason},
        {"table": "notes", "where": "ID = '#'", "reason": reason},
    ]
    preset = parse_preset(
        _preset(macros={"clean_id": "(id) as id"}, skip=skips), ERP, "test preset"
    )

    result = run_mapping(preset, ERP.entities, _tables())

    assert sorted(result.skipped[reason][NATIVE_ID].to_list()) == [3, 10]


def test_a_macro_that_does_not_parse_names_itself() -> None:
    preset = parse_preset(_preset(macros={"clean_id": "(id) as ltrim(id,"}), ERP, "test preset")

    with pytest.raises(MappingError, match="macro 'clean_id' does not parse"):
        run_mapping(preset, ERP.entities, _tables())


def test_a_native_table_named_delivery_is_refused() -> None:
    raw = _preset()
    raw["tables"]["delivery"] = {"file": "d.csv", "columns": {"ID": {}}}  # type: ignore[index]

    with pytest.raises(ValueError, match="reserved for the delivery"):
        parse_preset(raw, ERP, "test preset")

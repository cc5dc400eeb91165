"""Mapping rules: skip reasons naming what they found, unknown values counted only on the rows a
mapping takes, and a table missing from a delivery joined with its contract's types."""

import polars as pl
import pytest

from ingestion.contracts import load_contracts
from ingestion.presets import parse_preset
from ingestion.presets.mapping import NATIVE_ID, run_mapping

ERP = load_contracts()["erp"]


def preset(skip: dict) -> dict:
    """One native table of documents split by type: `inv` and `cred` are invoices."""
    return {
        "preset": "docs",
        "source": "erp",
        "tables": {
            "docs": {
                "file": "docs.csv",
                "columns": {
                    "id": {"type": "string", "required": True},
                    "type": {"type": "string"},
                },
            }
        },
        "skip": [skip],
        "entities": {
            "invoices": {
                "from": "docs",
                "where": "type in ('inv', 'cred')",
                "columns": {
                    "invoice_number": "id",
                    "kind": {"column": "type", "values": {"inv": "invoice", "cred": "credit_note"}},
                    "invoice_date": "'2026-01-31'",
                    "currency": "'EUR'",
                },
            }
        },
    }


@pytest.fixture
def docs() -> dict[str, pl.DataFrame]:
    return {
        "docs": pl.DataFrame(
            {
                "id": ["1", "2", "3", "4"],
                "type": ["inv", "bill", "journal", "bill"],
                NATIVE_ID: [10, 11, 12, 13],
            }
        )
    }


def test_a_skip_reason_names_the_value_it_found(docs):
    rule = {
        "table": "docs",
        "where": "type not in ('inv', 'cred')",
        "value": "type",
        "reason": "type {value} is not a customer document",
    }
    result = run_mapping(parse_preset(preset(rule), ERP, "docs.yml"), ERP.entities, docs)

    taken = {reason: ids[NATIVE_ID].to_list() for reason, ids in result.skipped.items()}
    assert taken == {
        "type bill is not a customer document": [11, 13],
        "type journal is not a customer document": [12],
    }


def test_a_skip_reason_without_a_value_is_kept_as_written(docs):
    rule = {"table": "docs", "where": "type = 'journal'", "reason": "a journal"}
    result = run_mapping(parse_preset(preset(rule), ERP, "docs.yml"), ERP.entities, docs)

    assert {r: ids[NATIVE_ID].to_list() for r, ids in result.skipped.items()} == {"a journal": [12]}


def test_rows_another_mapping_would_take_are_not_unknown_values(docs):
    rule = {"table": "docs", "where": "false", "reason": "never"}
    result = run_mapping(parse_preset(preset(rule), ERP, "docs.yml"), ERP.entities, docs)

    (invoices,) = result.entities
    assert invoices.frame["invoice_number"].to_list() == ["1"]
    # `bill` and `journal` rows are outside the mapping's `where`: not values it fails to map.
    assert invoices.unmapped_values == {}


def test_a_table_the_delivery_lacks_is_joined_with_its_contracts_types(docs):
    raw = preset({"table": "docs", "where": "false", "reason": "never"})
    raw["tables"]["flags"] = {
        "file": "flags.csv",
        "lookup": True,
        "columns": {"id": {"type": "string"}, "is_void": {"type": "boolean"}},
    }
    raw["entities"]["invoices"]["join"] = "left join flags on flags.id = docs.id"
    raw["entities"]["invoices"]["columns"]["invoice_number"] = "docs.id"
    raw["entities"]["invoices"]["where"] = "type = 'inv' and not coalesce(flags.is_void, false)"

    result = run_mapping(parse_preset(raw, ERP, "docs.yml"), ERP.entities, docs)

    (invoices,) = result.entities
    assert invoices.frame["invoice_number"].to_list() == ["1"]

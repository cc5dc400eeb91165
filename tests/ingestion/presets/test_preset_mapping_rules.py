"""Mapping rules: skip reasons naming what they found, unknown values counted only on the rows a
mapping takes and reported on the file they come from, and a table missing from a delivery
joined with its contract's types."""

from pathlib import Path

import polars as pl
import pytest

from ingestion.contracts import load_contracts
from ingestion.presets import parse_preset
from ingestion.presets.delivery import ingest_preset_source
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


def test_values_no_map_knows_are_reported_on_the_file_they_come_from(tmp_path: Path):
    def items(table: str) -> dict:
        return {
            "from": table,
            "columns": {
                "sku": f"{table}.id",
                "kind": {"column": "type", "values": {"Inventory": "goods"}, "default": "keep"},
            },
        }

    columns = {"id": {"type": "string"}, "type": {"type": "string"}}
    raw = {
        "preset": "two_item_tables",
        "source": "erp",
        "tables": {
            "new_items": {"file": "new_items.csv", "columns": columns},
            "old_items": {"file": "old_items.csv", "columns": columns},
        },
        "entities": {"products": [items("new_items"), items("old_items")]},
    }
    delivery = tmp_path / "landing" / "erp" / "2026-11-30"
    delivery.mkdir(parents=True)
    (delivery / "new_items.csv").write_text("id,type\n1,Inventory\n")
    (delivery / "old_items.csv").write_text("id,type\n2,Gadget\n")

    loads = ingest_preset_source(
        ERP, parse_preset(raw, ERP, "two.yml"), tmp_path / "landing", tmp_path / "raw"
    )

    messages = {load.entity: load.message for load in loads}
    assert "does not map" not in messages["new_items"]
    assert (
        "products.kind: 1 value(s) the preset does not map: 'Gadget' (1)" in (messages["old_items"])
    )

"""Every staging key is the one its ingestion contract declares.

The business key of an entity is written once, in its contract (`ingestion/contracts/*.yml`,
which the presets map onto). dbt needs it in three places: the source's description, the
staging model (`set business_key`, which ranks the versions and drives the incremental build)
and the staging model's uniqueness test. This test reads dbt's manifest and fails on any of the
three that drifts from the contract, or on a staging model with no contract entity behind it.
"""

import ast
import json
import re

from c360.settings import Settings
from dagster_project.defs.dbt_assets import project_manifest
from ingestion.contracts.model import load_contracts

BUSINESS_KEY_SET = re.compile(r"set business_key = (\[[^\]]*\])")


def declared_keys() -> dict[tuple[str, str], tuple[str, ...]]:
    """(source, entity) -> key, from the ingestion contracts."""
    return {
        (source, name): tuple(entity.key)
        for source, contract in load_contracts().items()
        for name, entity in contract.entities.items()
    }


def uniqueness_tests(manifest: dict, model_id: str) -> list[tuple[str, ...]]:
    """The column sets the model's `unique` and `unique_combination` tests hold unique."""
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or node.get("attached_node") != model_id:
            continue
        test = node["test_metadata"]
        if test["name"] == "unique":
            found.append((test["kwargs"]["column_name"],))
        elif test["name"] == "unique_combination":
            found.append(tuple(test["kwargs"]["columns"]))
    return found


def key_drift(manifest: dict, keys: dict[tuple[str, str], tuple[str, ...]]) -> list[str]:
    """Every place where dbt's copy of a contract key differs from the contract."""
    found = []
    for (source, entity), key in sorted(keys.items()):
        source_node = manifest["sources"].get(f"source.c360.{source}.{entity}")
        model_id = f"model.c360.stg_{source}__{entity}"
        model = manifest["nodes"].get(model_id)
        if source_node is None or model is None:
            found.append(f"{source}.{entity}: no dbt source or no staging model")
            continue
        if f"business key ({', '.join(key)})" not in source_node["description"]:
            found.append(f"{source}.{entity}: the source's description names another key")
        declared = BUSINESS_KEY_SET.search(model["raw_code"])
        if declared is None or tuple(ast.literal_eval(declared.group(1))) != key:
            found.append(f"stg_{source}__{entity}: business_key is not {list(key)}")
        if uniqueness_tests(manifest, model_id) != [key]:
            found.append(
                f"stg_{source}__{entity}: unique on {uniqueness_tests(manifest, model_id)}, "
                f"the contract's key is {list(key)}"
            )
    contracted = {f"stg_{source}__{entity}" for source, entity in keys}
    for node in manifest["nodes"].values():
        folder = node["original_file_path"].split("/")[:3]
        sources = {source for source, _ in keys}
        is_staging = folder[:2] == ["models", "staging"] and folder[2] in sources
        if node["resource_type"] == "model" and is_staging and node["name"] not in contracted:
            found.append(f"{node['name']}: no contract entity")
    return found


def project() -> dict:
    return json.loads(project_manifest(Settings.from_env().dbt_project_dir).read_text())


def test_every_staging_key_is_its_contracts_key() -> None:
    keys = declared_keys()
    assert ("erp", "invoice_lines") in keys
    assert key_drift(project(), keys) == []


def test_a_key_that_drifts_from_its_contract_is_reported() -> None:
    """The contract's invoice-line key gains a column: all three dbt copies are named."""
    keys = declared_keys()
    keys["erp", "invoice_lines"] = ("invoice_number", "line_number", "sku")
    assert key_drift(project(), keys) == [
        "erp.invoice_lines: the source's description names another key",
        "stg_erp__invoice_lines: business_key is not ['invoice_number', 'line_number', 'sku']",
        "stg_erp__invoice_lines: unique on [('invoice_number', 'line_number')], the contract's "
        "key is ['invoice_number', 'line_number', 'sku']",
    ]

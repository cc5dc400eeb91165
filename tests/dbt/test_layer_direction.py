"""dbt's layers point one way: sources feed staging, staging intermediate, intermediate marts.

A rule has one home only if nothing reads it from two places: an intermediate model that reads
a mart makes the mart's logic an input of the layer it is meant to be built from, and a staging
model that reads anything but its source mixes cleaning with business rules. The check reads
dbt's own manifest (the edges dbt builds by), so a new `ref()` against the direction fails here.
"""

import json
from pathlib import Path

from c360.settings import Settings
from dagster_project.defs.dbt_assets import project_manifest


def layer(node: dict) -> str:
    """A node's layer: its models folder (staging, intermediate, marts), else its kind."""
    if node["resource_type"] != "model":
        return node["resource_type"]
    return Path(node["original_file_path"]).parts[1]


def direction_violations(manifest: dict) -> list[str]:
    """Every model edge against the direction, as 'model reads dependency (layer)'."""
    nodes = {**manifest["nodes"], **manifest["sources"]}
    found = []
    for model in manifest["nodes"].values():
        if model["resource_type"] != "model":
            continue
        for dependency in model["depends_on"]["nodes"]:
            read = layer(nodes[dependency])
            staging_reads_more = layer(model) == "staging" and read != "source"
            intermediate_reads_mart = layer(model) == "intermediate" and read == "marts"
            if staging_reads_more or intermediate_reads_mart:
                found.append(f"{model['name']} ({layer(model)}) reads {dependency} ({read})")
    return sorted(found)


def project() -> dict:
    return json.loads(project_manifest(Settings.from_env().dbt_project_dir).read_text())


def test_no_intermediate_model_reads_a_mart_and_staging_reads_only_sources() -> None:
    manifest = project()
    layers = {layer(node) for node in manifest["nodes"].values()}
    assert {"staging", "intermediate", "marts"} <= layers
    assert direction_violations(manifest) == []


def test_an_intermediate_model_reading_a_mart_is_reported() -> None:
    """The check on the real manifest with one edge turned round: it must name that edge."""
    manifest = project()
    nodes = manifest["nodes"]
    costed = nodes["model.c360.int_invoice_lines_costed"]
    costed["depends_on"]["nodes"].append("model.c360.fct_invoice_lines")
    staging = nodes["model.c360.stg_erp__invoices"]
    staging["depends_on"]["nodes"].append("model.c360.int_fx_rates_monthly")
    assert direction_violations(manifest) == [
        "int_invoice_lines_costed (intermediate) reads model.c360.fct_invoice_lines (marts)",
        "stg_erp__invoices (staging) reads model.c360.int_fx_rates_monthly (intermediate)",
    ]

"""Every table and column readers see (the public schemas of the published version) is described
in the dbt project, so the SQL page, the Docs page and an analyst's client all explain it.

The tables and columns are the published file's own, so a column a model gains without a
description fails here, whether or not the model has a contract.
"""

import json

from c360.serving import PUBLIC_SCHEMAS
from c360.settings import Settings
from tests.conftest import published


def documented(settings: Settings) -> dict[tuple[str, str], dict]:
    """dbt's node (model, snapshot) of every relation, by (schema, table)."""
    manifest = json.loads((settings.dbt_target_dir / "manifest.json").read_text())
    return {
        (node["schema"], node["alias"]): node
        for node in manifest["nodes"].values()
        if node["resource_type"] in {"model", "snapshot"}
    }


def public_columns(settings: Settings) -> dict[tuple[str, str], list[str]]:
    schemas = ", ".join(f"'{s}'" for s in PUBLIC_SCHEMAS)
    rows = published(
        settings,
        f"select schema_name, table_name, column_name from duckdb_columns() "
        f"where schema_name in ({schemas}) order by all",
    ).rows()
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        columns.setdefault((schema, table), []).append(column)
    return columns


def test_every_public_table_and_column_has_a_description(settings: Settings) -> None:
    nodes = documented(settings)
    columns = public_columns(settings)
    assert len(columns) > 30  # the marts and quality tables are there
    undocumented = []
    for (schema, table), names in sorted(columns.items()):
        node = nodes.get((schema, table))
        if node is None or not node["description"].strip():
            undocumented.append(f"{schema}.{table}")
            continue
        described = {name for name, c in node["columns"].items() if c["description"].strip()}
        undocumented += [f"{schema}.{table}.{name}" for name in names if name not in described]
    assert undocumented == [], (
        "describe these in the model's YAML (docs/analysts.md): " + ", ".join(undocumented)
    )


def test_the_descriptions_reach_the_published_file_as_comments(settings: Settings) -> None:
    schemas = ", ".join(f"'{s}'" for s in PUBLIC_SCHEMAS)
    uncommented = published(
        settings,
        f"select schema_name || '.' || table_name || '.' || column_name as name "
        f"from duckdb_columns() where schema_name in ({schemas}) "
        "and coalesce(trim(comment), '') = ''",
    )
    assert uncommented["name"].to_list() == []

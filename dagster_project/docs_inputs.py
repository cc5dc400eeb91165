"""The two inputs of dbt's documentation page besides the manifest, written without running dbt.

`dbt docs generate --static` starts dbt, parses the project and queries the warehouse's
catalogue to write `catalog.json`, then copies its page template: 18-20 s on every refresh of a
loaded 2-core machine, for information the build's own DuckDB files already hold. Here the
catalogue is read from those files in one query (DuckDB's `duckdb_columns()`, for every model,
seed and snapshot of the build's manifest) and the template is copied from the installed dbt,
so the page is the one dbt would write, in well under a second. Sources are Parquet files read
by path, not relations: the page shows their columns from the project's YAML, as dbt's does.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from c360.catalogue import DOCS_TEMPLATE_FILE
from c360.settings import Settings
from c360.sql_text import sql_literal

CATALOG_FILE = "catalog.json"
CATALOG_SCHEMA_VERSION = "https://schemas.getdbt.com/dbt/catalog/v1.json"
PUBLIC_ALIAS = "public_marts"  # the public file's name in the dbt profile (dbt/profiles.yml)
_RELATIONS = frozenset({"model", "seed", "snapshot"})
_NO_STATS = {
    "has_stats": {
        "id": "has_stats",
        "label": "Has Stats?",
        "value": False,
        "include": False,
        "description": "Indicates whether there are statistics for this table",
    }
}


def _columns(settings: Settings) -> dict[tuple[str, str, str], list[tuple]]:
    """(database, schema, table) -> its columns and the table's type and comment, from DuckDB."""
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        con.execute(f"attach {sql_literal(settings.public_db)} as {PUBLIC_ALIAS} (read_only)")
        rows = con.execute(
            """
            select c.database_name, c.schema_name, c.table_name, c.column_name, c.data_type,
                c.column_index, c.comment,
                coalesce(t.comment, v.comment), if(v.view_name is null, 'BASE TABLE', 'VIEW')
            from duckdb_columns() as c
            left join duckdb_tables() as t using (database_name, schema_name, table_name)
            left join duckdb_views() as v
                on c.database_name = v.database_name and c.schema_name = v.schema_name
                and c.table_name = v.view_name
            order by all
            """
        ).fetchall()
    finally:
        con.close()
    tables: dict[tuple[str, str, str], list[tuple]] = {}
    for database, schema, table, *column in rows:
        tables.setdefault((database, schema, table), []).append(tuple(column))
    return tables


def catalog(settings: Settings, manifest: dict[str, Any]) -> dict[str, Any]:
    """The `catalog.json` dbt would write (schema v1) for the manifest's relations in the build."""
    tables = _columns(settings)
    nodes = {}
    for unique_id, node in manifest["nodes"].items():
        name = node.get("alias") or node["name"]
        columns = tables.get((node.get("database"), node.get("schema"), name))
        if node["resource_type"] not in _RELATIONS or columns is None:
            continue
        table_comment, table_type = columns[0][4], columns[0][5]
        nodes[unique_id] = {
            "metadata": {
                "type": table_type,
                "schema": node["schema"],
                "name": name,
                "database": node["database"],
                "comment": table_comment,
                "owner": None,
            },
            "columns": {
                column: {"type": data_type, "index": index, "name": column, "comment": comment}
                for column, data_type, index, comment, *_ in columns
            },
            "stats": _NO_STATS,
            "unique_id": unique_id,
        }
    generated = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
    metadata = manifest["metadata"]
    return {
        "metadata": {
            "dbt_schema_version": CATALOG_SCHEMA_VERSION,
            "dbt_version": metadata.get("dbt_version"),
            "generated_at": generated,
            "invocation_id": metadata.get("invocation_id"),
            "env": {},
        },
        "nodes": nodes,
        "sources": {},
        "errors": None,
    }


def write_docs_inputs(settings: Settings, target_dir: Path) -> int:
    """Write `catalog.json` and dbt's page template beside the build's manifest; relations."""
    manifest = json.loads((target_dir / "manifest.json").read_text())
    written = catalog(settings, manifest)
    (target_dir / CATALOG_FILE).write_text(json.dumps(written))
    with resources.as_file(resources.files("dbt.task.docs") / DOCS_TEMPLATE_FILE) as template:
        shutil.copyfile(template, target_dir / DOCS_TEMPLATE_FILE)
    return len(written["nodes"])

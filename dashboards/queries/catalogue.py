"""The metric catalogue and documentation site of the published version (schema `catalogue`).

Tiles, the SQL page and the Docs page read them from the version they show, so a definition
always matches the figures beside it (c360.catalogue writes them at every refresh). A version
published before the catalogue existed has none: tiles then show no help, the SQL page no
metrics, the Docs page says so.
"""

from __future__ import annotations

import polars as pl

from c360.metrics import compile_metric_sql
from dashboards.data import has_table, query

SCHEMA = "catalogue"


def metrics(version: str) -> pl.DataFrame:
    """Every metric: name, label, owner, grain, formula, description and the marts it reads."""
    if not has_table(version, SCHEMA, "metrics"):
        return pl.DataFrame()
    return query(
        f"""
        select metric_name, label, owner, grain, formula, description, marts,
            array_to_string(dimensions, ', ') as dimensions
        from {SCHEMA}.metrics
        order by metric_name
        """,
        version,
    )


def descriptions(version: str) -> dict[str, str]:
    """The catalogue's description of each metric, by name (empty before the catalogue)."""
    listed = metrics(version)
    if listed.is_empty():
        return {}
    return dict(zip(listed["metric_name"], listed["description"], strict=True))


def docs_site(version: str) -> str | None:
    """The documentation page of this version (dbt docs), or None when it has none."""
    if not has_table(version, SCHEMA, "docs_site"):
        return None
    return query(f"select html from {SCHEMA}.docs_site", version)["html"][0]


def metric_values(
    version: str, metrics_asked: list[str], by: list[str], where: list[str] | None = None
) -> pl.DataFrame:
    """Metrics of this version's catalogue grouped by `by`, as `c360 metrics query` answers.

    Compiled from the version's own semantic manifest and run through the page's cached loader,
    so a page shows the catalogue's number. Empty for a version without a catalogue.
    """
    if not has_table(version, SCHEMA, "semantic_manifest"):
        return pl.DataFrame()
    manifest = query(f"select manifest_json from {SCHEMA}.semantic_manifest", version)
    sql = compile_metric_sql(manifest["manifest_json"][0], metrics_asked, by, where)
    return query(sql, version)

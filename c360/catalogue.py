"""Put the metric catalogue and the documentation site into the build's public file.

Both travel inside the version they describe (schema `catalogue`), so a reader always gets the
definitions and the docs of the tables it reads, switched atomically with them, kept and rolled
back with them, and behind the same sign-in: nothing is served from dbt's `target/`, which holds
compiled SQL with this machine's paths.

- `catalogue.metrics`: one row per metric of the dbt project's semantic layer (name, label,
  description, type, formula, owner, grain, the semantic model and mart it is computed from,
  the dimensions it can be grouped by). Tiles, the SQL page, `c360 metrics list` and
  docs/metrics.md read their descriptions here or from the same YAML: one home.
- `catalogue.semantic_manifest`: the semantic manifest MetricFlow compiles queries from, with
  each model's relation reduced to `schema.table` so that it resolves in whichever published
  file a reader opens (the build names the database `public_marts`).
- `catalogue.docs_site`: dbt's documentation page (`dbt docs generate --static`), rebuilt from
  dbt's own page template with a manifest whose compiled SQL is removed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from c360.sql_text import sql_literal

CATALOGUE_SCHEMA = "catalogue"
SEMANTIC_MANIFEST_FILE = "semantic_manifest.json"
DOCS_TEMPLATE_FILE = "index.html"
# What the static page embeds from dbt's `target/` (dbt.task.docs.generate does the same
# replacement when writing static_index.html).
_MANIFEST_SLOT = '"MANIFEST.JSON INLINE DATA"'
_CATALOG_SLOT = '"CATALOG.JSON INLINE DATA"'
# Keys of a manifest node that hold compiled SQL (with the machine's paths and the rendered
# `external_location` of every source) or where it was written.
COMPILED_KEYS = frozenset({"compiled_code", "compiled_sql", "compiled_path", "extra_ctes"})


class CatalogueError(RuntimeError):
    """The build left no semantic manifest or documentation to publish."""


def _metric_formula(metric: dict[str, Any], homes: dict[str, dict[str, Any]]) -> str:
    """The metric's formula: the measure's aggregation over its mart, a ratio or an expression."""
    params = metric["type_params"]
    kind = metric["type"]
    if kind == "simple":
        home = homes[params["measure"]["name"]]
        formula = f"{home['agg']}({home['expr']}) over {home['mart']}"
        if home["last_of_period"]:
            formula += " (a state: the period's last month)"
    elif kind == "ratio":
        formula = f"{params['numerator']['name']} / {params['denominator']['name']}"
    elif kind == "derived":
        inputs = ", ".join(
            f"{m['alias']} = {m['name']}" if m.get("alias") else m["name"]
            for m in params["metrics"]
        )
        formula = f"{params['expr']} ({inputs})"
    else:
        formula = kind
    where = metric.get("filter") or {}
    filters = [f["where_sql_template"] for f in where.get("where_filters", [])]
    return formula + "".join(f" where {f.strip()}" for f in filters)


def _measure_homes(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """For each measure: its semantic model, the mart it reads and the measure's aggregation."""
    homes = {}
    for model in manifest["semantic_models"]:
        for measure in model["measures"]:
            homes[measure["name"]] = {
                "semantic_model": model["name"],
                "mart": model["node_relation"]["alias"],
                "agg": measure["agg"],
                "expr": " ".join((measure.get("expr") or measure["name"]).split()),
                "last_of_period": bool(measure.get("non_additive_dimension")),
            }
    return homes


def _measures_of(name: str, metrics: dict[str, dict[str, Any]]) -> list[str]:
    """Every measure a metric is computed from, through ratios and derived metrics."""
    params = metrics[name]["type_params"]
    if params.get("measure"):
        return [params["measure"]["name"]]
    inputs = [m["name"] for m in params.get("metrics") or []]
    inputs += [params[k]["name"] for k in ("numerator", "denominator") if params.get(k)]
    return [measure for i in inputs for measure in _measures_of(i, metrics)]


def _dimensions(manifest: dict[str, Any], semantic_models: Iterable[str]) -> list[str]:
    """Group-by names a metric's models offer directly or through their `customer` entity."""
    by_name = {m["name"]: m for m in manifest["semantic_models"]}
    entities_with_primary = {
        e["name"]: m
        for m in manifest["semantic_models"]
        for e in m["entities"]
        if e["type"] == "primary"
    }
    names: set[str] = set()
    for model_name in semantic_models:
        model = by_name[model_name]
        entities = [e["name"] for e in model["entities"]]
        primary = next((e["name"] for e in model["entities"] if e["type"] == "primary"), None)
        primary = primary or model.get("primary_entity")
        names |= {f"{primary}__{d['name']}" for d in model["dimensions"] if d["type"] != "time"}
        for entity in entities:
            joined = entities_with_primary.get(entity)
            if joined is not None and joined["name"] != model_name:
                names |= {
                    f"{entity}__{d['name']}" for d in joined["dimensions"] if d["type"] != "time"
                }
    return sorted(names)


def metric_rows(manifest: dict[str, Any]) -> list[tuple]:
    """One row per metric for `catalogue.metrics`, sorted by name."""
    metrics = {m["name"]: m for m in manifest["metrics"]}
    homes = _measure_homes(manifest)
    rows = []
    for name, metric in sorted(metrics.items()):
        measures = _measures_of(name, metrics)
        models = sorted({homes[m]["semantic_model"] for m in measures})
        meta = (metric.get("config") or {}).get("meta") or metric.get("meta") or {}
        rows.append(
            (
                name,
                metric.get("label") or name,
                (metric.get("description") or "").strip(),
                metric["type"],
                _metric_formula(metric, homes),
                meta.get("owner"),
                meta.get("grain"),
                ", ".join(models),
                ", ".join(sorted({homes[m]["mart"] for m in measures})),
                _dimensions(manifest, models),
            )
        )
    return rows


def portable_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """The semantic manifest with every relation as `schema.table`, for any published file."""
    manifest = json.loads(json.dumps(manifest))
    for model in manifest["semantic_models"]:
        relation = model["node_relation"]
        relation["database"] = None
        relation["relation_name"] = f'"{relation["schema_name"]}"."{relation["alias"]}"'
    for spine in manifest["project_configuration"].get("time_spines", []):
        relation = spine["node_relation"]
        relation["database"] = None
        relation["relation_name"] = f'"{relation["schema_name"]}"."{relation["alias"]}"'
    return manifest


def _without_compiled_sql(value: Any) -> Any:
    """A copy of a manifest (or part of one) with every compiled-SQL key removed."""
    if isinstance(value, dict):
        return {k: _without_compiled_sql(v) for k, v in value.items() if k not in COMPILED_KEYS}
    if isinstance(value, list):
        return [_without_compiled_sql(v) for v in value]
    return value


def docs_site(target_dir: Path) -> str:
    """The static documentation page of dbt, built from `target/` without compiled SQL.

    `dbt docs generate --static` embeds manifest.json as it is, and after a build that manifest
    carries every model's compiled SQL; this embeds the same manifest without it.
    """
    template = target_dir / DOCS_TEMPLATE_FILE
    if not template.exists():
        raise CatalogueError(f"no {template}: run `dbt docs generate --static` first")
    manifest = _without_compiled_sql(json.loads((target_dir / "manifest.json").read_text()))
    catalog = (target_dir / "catalog.json").read_text()
    page = template.read_text()
    if _MANIFEST_SLOT not in page or _CATALOG_SLOT not in page:
        raise CatalogueError(f"{template} is not dbt's documentation template")
    # The catalog first: the manifest's text may itself contain the catalog's slot marker.
    page = page.replace(_CATALOG_SLOT, catalog)
    return page.replace(_MANIFEST_SLOT, json.dumps(manifest))


def write_catalogue(public_db: Path, target_dir: Path) -> int:
    """Write schema `catalogue` into the build's public file; returns the number of metrics."""
    manifest_path = target_dir / SEMANTIC_MANIFEST_FILE
    if not manifest_path.exists():
        raise CatalogueError(f"no {manifest_path}: the dbt project was not parsed")
    manifest = json.loads(manifest_path.read_text())
    rows = metric_rows(manifest)
    page = docs_site(target_dir)
    con = duckdb.connect(str(public_db))
    try:
        con.execute("begin")
        con.execute(f"drop schema if exists {CATALOGUE_SCHEMA} cascade")
        con.execute(f"create schema {CATALOGUE_SCHEMA}")
        con.execute(
            f"""
            create table {CATALOGUE_SCHEMA}.metrics (
                metric_name varchar primary key, label varchar, description varchar,
                metric_type varchar, formula varchar, owner varchar, grain varchar,
                semantic_models varchar, marts varchar, dimensions varchar[]
            )
            """
        )
        con.executemany(
            f"insert into {CATALOGUE_SCHEMA}.metrics values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
        con.execute(
            f"create table {CATALOGUE_SCHEMA}.semantic_manifest as select ? as manifest_json",
            [json.dumps(portable_manifest(manifest))],
        )
        con.execute(f"create table {CATALOGUE_SCHEMA}.docs_site as select ? as html", [page])
        _comment(con)
        con.execute("commit")
    finally:
        con.close()
    return len(rows)


def _comment(con: duckdb.DuckDBPyConnection) -> None:
    """Describe the catalogue's tables as dbt describes the marts (the SQL page lists them)."""
    comments = {
        "metrics": "The metric catalogue: every KPI with its definition, formula, owner, grain "
        "and dimensions (c360 metrics list; docs/analysts.md).",
        "semantic_manifest": "MetricFlow's semantic manifest of this version (c360 metrics "
        "query compiles metric queries from it).",
        "docs_site": "dbt's documentation site of this version, one self-contained page "
        "without compiled SQL (the Docs page of the dashboards).",
    }
    for table, text in comments.items():
        con.execute(f"comment on table {CATALOGUE_SCHEMA}.{table} is {sql_literal(text)}")

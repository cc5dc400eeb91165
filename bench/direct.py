"""dbt's overhead: the build's own compiled SQL run directly in one DuckDB connection.

From the manifest the build wrote (it carries every executed node's compiled SQL), each SQL
model is created again (`create or replace table|view ... as <compiled select>`) and each data
test's query counted, in dependency order, on a copy of the built databases (same file names and
alias, so the catalogs in the compiled SQL resolve). Python models and seeds are not rerun: their
tables are used as the build left them, and the harness takes their time out of dbt's side too.
Contracts' typed DDL and dbt's rename-swap are not reproduced: that is part of what dbt adds.
"""

from __future__ import annotations

import json
import shutil
import time
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from c360.build_files import apply_build_settings
from c360.settings import PUBLIC_DB_ALIAS, PUBLIC_DB_FILE, Settings
from c360.sql_text import sql_literal

RUN_TYPES = frozenset({"model", "test"})


def direct_statements(manifest: dict) -> list[tuple[str, str]]:
    """(unique_id, SQL) of every SQL model and data test, in an order that respects the DAG."""
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in RUN_TYPES and node.get("compiled_code")
    }
    graph = {uid: set(node["depends_on"]["nodes"]) & nodes.keys() for uid, node in nodes.items()}
    statements = []
    for uid in TopologicalSorter(graph).static_order():
        node = nodes[uid]
        sql = node["compiled_code"].strip().rstrip(";")
        if node["resource_type"] == "test":
            statements.append((uid, f"select count(*) from ({sql}) as failures"))
            continue
        if node.get("language", "sql") != "sql":
            continue
        kind = node["config"]["materialized"]
        if kind == "ephemeral":
            continue
        relation = "view" if kind == "view" else "table"
        statements.append((uid, f"create or replace {relation} {node['relation_name']} as {sql}"))
    return statements


def excluded_seconds(run_results: dict, manifest: dict) -> float:
    """Seconds dbt spent on nodes the direct run does not repeat: Python models and seeds."""
    total = 0.0
    for result in run_results["results"]:
        node = manifest["nodes"].get(result["unique_id"], {})
        if node.get("resource_type") == "seed" or node.get("language") == "python":
            total += result["execution_time"]
    return round(total, 2)


def _copy_database(database: Path, folder: Path) -> Path:
    """Copy a DuckDB file (and its write-ahead log, for a build not yet checkpointed)."""
    copy = folder / database.name
    shutil.copyfile(database, copy)
    wal = database.with_name(database.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(wal.name))
    return copy


def _remove_database(copy: Path) -> None:
    copy.unlink()
    copy.with_name(copy.name + ".wal").unlink(missing_ok=True)


def run_direct(manifest_path: Path, built_db: Path) -> dict:
    """Copy `built_db` (and the public file beside it) beside the manifest, run the statements.

    The public schemas are built into their own file, attached as `public_marts` as the dbt
    profile does, so the compiled SQL's three-part names resolve in the copy.
    """
    manifest = json.loads(manifest_path.read_text())
    folder = manifest_path.parent / "direct"
    folder.mkdir(parents=True, exist_ok=True)
    copies = [
        _copy_database(database, folder)
        for database in (built_db, built_db.with_name(PUBLIC_DB_FILE))
    ]
    statements = direct_statements(manifest)
    started = time.perf_counter()
    con = duckdb.connect(str(copies[0]))
    # The build's memory, threads and spill folder, as dbt's connection has them (the profile).
    apply_build_settings(con, Settings.from_env())
    con.execute(f"attach {sql_literal(copies[1])} as {PUBLIC_DB_ALIAS}")
    for _, sql in statements:
        con.execute(sql).fetchall()
    con.close()
    seconds = time.perf_counter() - started
    for copy in copies:
        _remove_database(copy)
    return {"statements": len(statements), "sql_s": round(seconds, 2)}

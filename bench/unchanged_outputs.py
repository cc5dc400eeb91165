"""Which models a refresh rebuilt into exactly the rows they already held.

They are what an early cutoff (rebuild a model only when one of its inputs' contents changed)
would have left alone.

    C360_HOME=<a built data root> python -m bench.unchanged_outputs snapshot before.json
    C360_HOME=<same root> c360 refresh   # after a delivery
    C360_HOME=<same root> python -m bench.unchanged_outputs snapshot after.json
    C360_HOME=<same root> python -m bench.unchanged_outputs compare before.json after.json

`snapshot` writes each table's fingerprint in the build file and the public file: its row count
and the XOR of its rows' hashes (DuckDB's `hash` of the whole row), which does not depend on the
rows' order. `compare` reads the last refresh's dbt `run_results.json` and prints one JSON
object: the models and snapshots the refresh ran, their node seconds, how many of them (and of
their seconds) ended with the fingerprint they had before, and the ones that changed. Equal
fingerprints with different contents would need a hash collision on the XOR of 64-bit hashes:
a reading, not a proof.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from c360.settings import Settings
from c360.sql_text import sql_literal

BUILT_KINDS = ("model", "snapshot", "seed")


def fingerprints(settings: Settings) -> dict[str, list]:
    """`schema.table` -> [rows, xor of row hashes] for every table of the build's two files."""
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        con.execute(f"attach {sql_literal(settings.public_db)} as public_file (read_only)")
        tables = con.execute(
            "select database_name, schema_name, table_name from duckdb_tables()"
            " where database_name in (current_database(), 'public_file')"
        ).fetchall()
        found = {}
        for database, schema, table in tables:
            name = f'"{database}"."{schema}"."{table}"'
            [(rows, hashed)] = con.execute(
                f"select count(*), coalesce(bit_xor(hash(t)), 0) from {name} t"
            ).fetchall()
            found[f"{schema}.{table}"] = [rows, str(hashed)]
        return found
    finally:
        con.close()


def compare(before: dict[str, list], after: dict[str, list], run_results: dict) -> dict:
    """The refresh's built nodes split into those whose table ended as it was and the others."""
    by_name = {key.split(".", 1)[1]: key for key in after}
    ran = [
        (result["unique_id"].split(".")[-1], result["execution_time"])
        for result in run_results["results"]
        if result["unique_id"].split(".")[0] in BUILT_KINDS and result["status"] == "success"
    ]
    tables = [(name, seconds) for name, seconds in ran if name in by_name]
    unchanged = [(n, s) for n, s in tables if before.get(by_name[n]) == after[by_name[n]]]
    changed = sorted(set(tables) - set(unchanged), key=lambda item: -item[1])
    return {
        "built": len(ran),
        "built_node_s": round(sum(seconds for _, seconds in ran), 1),
        "unchanged": len(unchanged),
        "unchanged_node_s": round(sum(seconds for _, seconds in unchanged), 1),
        "changed": [{"model": name, "node_s": round(seconds, 2)} for name, seconds in changed],
        # Views (and an ephemeral model) hold no rows of their own: nothing to compare.
        "not_tables": sorted(name for name, _ in set(ran) - set(tables)),
        "tables_changed": sorted(key for key in after if before.get(key) != after[key]),
    }


def main(argv: list[str] | None = None) -> int:
    """`snapshot OUT` or `compare BEFORE AFTER`, on the data root of C360_HOME."""
    parser = argparse.ArgumentParser(prog="python -m bench.unchanged_outputs")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("snapshot").add_argument("out", type=Path)
    compared = commands.add_parser("compare")
    compared.add_argument("before", type=Path)
    compared.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "snapshot":
        args.out.write_text(json.dumps(fingerprints(settings), indent=1))
        return 0
    run_results = json.loads((settings.dbt_target_dir / "run_results.json").read_text())
    before, after = (json.loads(path.read_text()) for path in (args.before, args.after))
    sys.stdout.write(json.dumps(compare(before, after, run_results), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Identity-resolution benchmark: accuracy against the ground truth, wall time and peak memory.

    .venv/bin/python bench/identity_bench.py --customers 10000 100000

For each size and defect profile (typical, heavy) a company is generated and its CRM accounts,
CRM contacts and ERP customers ingested once under bench/.data (reused on later runs). Each
resolution runs in its own process, as the refresh runs it: first the SQL rule stage (`dbt run
--select +int_identity_rule_pairs`: the three staging views and the identity SQL models);
`rules_dbt_s` is that dbt command's wall time (dbt's start-up and parse included) and
`rules_sql_s` the identity SQL models' own run time (dbt's run_results). Then the Python step:
`read_s` reads the staging tables and the rule pairs back, `resolve_s` is the wall time of
`resolve_identities` alone (Splink, clustering, keys), `rerun_with_previous_s` a second
resolution handed the first one's bridge (keys changed on it should be 0), `peak_mb` the
child's maximum RSS (the dbt child process not included). Scores are pairwise precision,
recall and F1 over CRM + ERP records against `truth/organisations.parquet`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path

from child_process import measure_child

from bench.scratch import scratch_dir

BENCH_DIR = Path(__file__).parent
RESULTS = BENCH_DIR / "results" / "identity.json"
ENTITIES = {"crm": ("accounts", "contacts"), "erp": ("customers",)}
SEED = 42


def _company(customers: int, profile: str, days: int) -> Path:
    """Generate and ingest one company per size and profile under bench/.data, once."""
    root = scratch_dir() / f"identity-c{customers}-{profile}-d{days}"
    done = root / "raw" / "_identity_inputs_ready"
    if done.exists():
        return root
    from ingestion.contracts import load_contracts
    from ingestion.generator import generate_company
    from ingestion.load import ingest_source

    if not (root / "truth" / "organisations.parquet").exists():
        generate_company(
            root / "landing",
            root / "truth",
            customers=customers,
            seed=SEED,
            days=days,
            defects=profile,
        )
    # only the three entities identity resolution reads: the rest is logged as unknown files
    logging.getLogger("ingestion").setLevel(logging.ERROR)
    for source, contract in load_contracts().items():
        if source in ENTITIES:
            wanted = {name: contract.entities[name] for name in ENTITIES[source]}
            ingest_source(
                dataclasses.replace(contract, entities=wanted), root / "landing", root / "raw"
            )
    done.write_text("ok\n")
    return root


def run_resolution(root: str) -> dict:
    """Read the inputs, resolve, score: runs in the child process."""
    import polars as pl

    from identity import pairwise_scores, read_rule_stage, resolve_identities, run_rule_stage

    build_db = Path(root) / "warehouse" / "identity.duckdb"
    build_db.parent.mkdir(exist_ok=True)
    start = time.perf_counter()
    from c360.settings import Settings

    run_rule_stage(Path(root) / "raw", build_db, Settings.from_env().dbt_project_dir)
    rules_dbt_s = time.perf_counter() - start
    start = time.perf_counter()
    inputs = read_rule_stage(build_db)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    result = resolve_identities(
        inputs.crm_accounts,
        inputs.crm_contacts,
        inputs.erp_customers,
        rule_pairs=inputs.rule_pairs,
        stale_erp_numbers=inputs.stale_erp_numbers,
        as_of=dt.date(2026, 10, 1),
    )
    resolve_s = time.perf_counter() - start
    # the next refresh: same records, previous keys handed in; every key should stay
    start = time.perf_counter()
    again = resolve_identities(
        inputs.crm_accounts,
        inputs.crm_contacts,
        inputs.erp_customers,
        rule_pairs=inputs.rule_pairs,
        stale_erp_numbers=inputs.stale_erp_numbers,
        previous=result.bridge,
        as_of=dt.date(2026, 10, 2),
    )
    rerun_s = time.perf_counter() - start
    ids = ["source_system", "source_record_id"]
    changed = (
        result.bridge.join(again.bridge, on=ids, suffix="_again")
        .filter(pl.col("customer_key") != pl.col("customer_key_again"))
        .height
    )
    scores = pairwise_scores(
        result.bridge, pl.read_parquet(Path(root) / "truth/organisations.parquet")
    )
    stats = dict(result.stats.iter_rows())
    return {
        "crm_accounts": inputs.crm_accounts.height,
        "erp_customers": inputs.erp_customers.height,
        "precision": round(scores.precision, 5),
        "recall": round(scores.recall, 5),
        "f1": round(scores.f1, 5),
        "pairs": {
            "predicted": scores.predicted_pairs,
            "true": scores.true_pairs,
            "correct": scores.correct_pairs,
        },
        "clusters": int(stats["clusters"]),
        "duplicate_rate": round(stats["duplicate_rate"], 5),
        "review_queue": int(stats["review_queue"]),
        "stale_erp_numbers": int(stats["stale_erp_numbers"]),
        "records_by_rule": {
            k.removeprefix("records_by_rule."): int(v)
            for k, v in stats.items()
            if k.startswith("records_by_rule.")
        },
        "rules_dbt_s": round(rules_dbt_s, 2),
        "rules_sql_s": round(_identity_models_s(build_db), 2),
        "read_s": round(read_s, 2),
        "resolve_s": round(resolve_s, 2),
        "rerun_with_previous_s": round(rerun_s, 2),
        "keys_changed_on_rerun": changed,
    }


def _identity_models_s(build_db: Path) -> float:
    """Run time of the identity SQL models in the rule stage's dbt run_results.json."""
    results = build_db.parent / "dbt-rule-stage" / "target" / "run_results.json"
    return sum(
        r["execution_time"]
        for r in json.loads(results.read_text())["results"]
        if r["unique_id"].startswith("model.c360.int_identity_")
    )


def _measure(root: Path) -> dict:
    """One resolution in a child process, with that child's wall time and peak memory."""
    result = measure_child([__file__, "--run", str(root)])
    result["process_wall_s"] = result.pop("wall_s")
    return result


def main() -> None:
    """Measure every size and profile; write the JSON results and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000])
    parser.add_argument("--profiles", nargs="+", default=["typical", "heavy"])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        sys.stdout.write(json.dumps(run_resolution(args.run)) + "\n")
        return
    runs = []
    for customers in args.customers:
        for profile in args.profiles:
            root = _company(customers, profile, args.days)
            runs.append(
                {"customers": customers, "profile": profile, "days": args.days} | _measure(root)
            )
    payload = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "command": "bench/identity_bench.py " + " ".join(sys.argv[1:]),
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n")
    lines = [
        "| customers | defects | CRM accounts | ERP customers | precision | recall | F1 "
        "| rules SQL s | rules dbt s | resolve s | peak MB | probabilistic | stale ERP numbers "
        "| review |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for r in runs:
        lines.append(
            f"| {r['customers']:,} | {r['profile']} | {r['crm_accounts']:,} "
            f"| {r['erp_customers']:,} | {r['precision']:.4f} | {r['recall']:.4f} "
            f"| {r['f1']:.4f} | {r['rules_sql_s']} | {r['rules_dbt_s']} | {r['resolve_s']} "
            f"| {r['peak_mb']:,} "
            f"| {r['records_by_rule']['probabilistic']:,} | {r['stale_erp_numbers']:,} "
            f"| {r['review_queue']:,} |"
        )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

"""Refreshes that rebuild only what a delivery changed, against a full one: wall time, dbt nodes.

    python -m bench.selective_refresh --customers 10000

One company is generated with seven days, then delivered into a fresh data root under
`<C360_HOME>/bench/selective-<customers>` step by step, a `c360 refresh` (in this process, as
the command runs it) after each:
1. days 1-4, nothing built before: a full build;
2. day 5, the CRM folder only;
3. day 5, the ERP folder (the rest of the day);
4. day 6, CRM and ERP: a whole day;
5. day 7, the CRM opportunities file only (an intra-day delivery);
6. nothing new, `--force`: every model rebuilt, as every refresh did before.
Each line: wall seconds of the refresh, the plan, the dbt nodes run by type and dbt's elapsed
time (`run_results.json`). The figures are printed as JSON lines and a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path

from bench.scratch import scratch_dir

START = dt.date(2026, 9, 1)
STEPS = (
    ("days 1-4, first build", [1, 2, 3, 4], ()),
    ("day 5, CRM folder only", [5], ("crm",)),
    ("day 5, ERP folder (rest of the day)", [5], ("erp",)),
    ("day 6, CRM and ERP (a whole day)", [6], ()),
    ("day 7, CRM opportunities only", [7], ("crm/opportunities.csv",)),
    ("nothing new, --force (every model)", [], ()),
)


def land(generated: Path, landing: Path, day: int, only: tuple[str, ...]) -> int:
    """Hard-link day `day`'s folders; `only` sources (`crm`) or files (`crm/x.csv`) if given."""
    name = (START + dt.timedelta(days=day - 1)).isoformat()
    linked = 0
    for folder in sorted(generated.glob(f"*/{name}")):
        source = folder.parent.name
        if only and not any(o == source or o.startswith(f"{source}/") for o in only):
            continue
        target = landing / source / name
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(folder.iterdir()):
            wanted = not only or source in only or f"{source}/{path.name}" in only
            if (wanted or path.name == "_SUCCESS") and not (target / path.name).exists():
                os.link(path, target / path.name)
                linked += 1
    return linked


def dbt_nodes(target_dir: Path) -> tuple[dict[str, int], float]:
    """Nodes the last dbt command ran, by type, and its elapsed seconds."""
    results = json.loads((target_dir / "run_results.json").read_text())
    kinds: dict[str, int] = {}
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds, round(results["elapsed_time"], 1)


def main() -> None:
    """Generate, then deliver and refresh step by step; print each step's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    root = scratch_dir() / f"selective-{args.customers}"
    generated = root / "generated"
    if not (generated / "crm").exists():
        from ingestion.generator import generate_company

        generate_company(
            generated, root / "truth", customers=args.customers, seed=args.seed, start=START, days=7
        )
    home = root / "c360"
    shutil.rmtree(home, ignore_errors=True)
    os.environ["C360_HOME"] = str(home)
    from c360.settings import Settings
    from dagster_project.run_refresh import run_refresh

    settings = Settings.from_env()
    rows = []
    for label, days, only in STEPS:
        files = sum(land(generated, settings.landing_dir, day, only) for day in days)
        target = settings.dbt_target_dir / "run_results.json"
        target.unlink(missing_ok=True)
        started = time.monotonic()
        summary = run_refresh(settings, force=not days)
        seconds = round(time.monotonic() - started, 1)
        kinds, elapsed = dbt_nodes(settings.dbt_target_dir) if target.exists() else ({}, 0.0)
        row = {
            "step": label,
            "files": files,
            "success": summary.success,
            "seconds": seconds,
            "dbt_seconds": elapsed,
            "models": kinds.get("model", 0) + kinds.get("snapshot", 0),
            "tests": kinds.get("test", 0),
            "plan": summary.build_plan,
        }
        rows.append(row)
        sys.stdout.write(json.dumps(row) + "\n")
        sys.stdout.flush()
    table = [
        "| step | files | refresh s | dbt s | models + snapshots | tests |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {r['step']} | {r['files']} | {r['seconds']} | {r['dbt_seconds']} | "
            f"{r['models']} | {r['tests']} |"
            for r in rows
        ),
    ]
    sys.stdout.write("\n".join(table) + "\n")


if __name__ == "__main__":
    main()

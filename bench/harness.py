"""`c360 bench`: every stage of a refresh measured in its own process, with baselines.

For each size a company is generated once (`days + 1` daily extracts, typical defects), kept
under `bench/.data/harness-c<customers>-d<days>-s<seed>/source` and reused by later runs. Then,
each in a child process (wall, CPU, peak memory):

1. on a stage home with the first `days` extracts: ingestion, DuckDB `read_*` of the same files,
   dlt's filesystem source (throwaway venv; skipped with a reason if dlt does not install),
   `dbt build`, the same compiled SQL in one DuckDB connection, identity resolution and the CLV
   fit (their dbt models rerun alone), publishing;
2. on a second, empty home: `c360 refresh` end to end (the full refresh), then the last day's
   extracts landed and `c360 refresh` again (the incremental refresh), then the dashboards'
   queries on what it published, then an hour's CRM changes delivered with the Dagster daemon
   running, until readers see them (bench/intraday.py).

`--refreshes-only` runs generation and the three refreshes of step 2 alone: the million's targets
are figures of those, and there the other stages and baselines would take hours.

Results go to `bench/results/<name>.json` (runs of other sizes kept) and the generated block of
docs/benchmarks.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
from collections.abc import Callable
from pathlib import Path

from bench import report
from bench.child import failure_reason, measure_child
from bench.days import extract_days, land_days
from bench.direct import excluded_seconds
from bench.dlt_baseline import dlt_baseline
from bench.scratch import empty_folder, scratch_dir
from bench.stages import CLV_SELECTOR, IDENTITY_SELECTOR
from c360.settings import REPO_ROOT, Settings

START = dt.date(2026, 9, 1)
PROFILE_NODES = 8
UNIT_TESTS_EXCLUDED = ["--exclude-resource-type", "unit_test"]


@dataclasses.dataclass(frozen=True)
class BenchOptions:
    """What `c360 bench` was asked for."""

    customers: list[int]
    days: int = 30
    seed: int = 42
    repeat: int = 20
    name: str = "refresh"
    dlt: bool = True
    # dlt's records path held ~1 GB at 200 customers and reached 22 GB (killed by the kernel's
    # OOM killer) at 10,000: larger sizes record why it was not run.
    dlt_max_customers: int = 1_000
    # Only the three refreshes and generation: at 1,000,000 customers every other stage and
    # baseline would take hours, and the million's targets are figures of the refreshes.
    refreshes_only: bool = False
    # The landing sensor's interval in the intra-day delivery's run (bench/intraday.py).
    sensor_interval_s: int = 10
    data_dir: Path = dataclasses.field(default_factory=scratch_dir)
    results_dir: Path = REPO_ROOT / "bench" / "results"
    docs: Path = REPO_ROOT / "docs" / "benchmarks.md"


TREE_STEPS = frozenset({"refresh", "ingest"})
"""Stages of several processes at once, whose peak is their resident memory's sum."""


def _step(step: str, payload: dict, home: Path | None = None) -> dict:
    env = {}
    if home is not None:
        env = {"C360_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    argv = ["-m", "bench.stages", step, json.dumps(payload, default=str)]
    # A refresh is Dagster and a dbt child process at once, ingestion a process per source at
    # once: their peak is the sum.
    return measure_child(argv, env=env, tree_memory=step in TREE_STEPS)


def direct_sql_baseline(home: Path, build_target: Path) -> dict:
    """The build's compiled SQL run directly (bench/direct.py), measured, in its data root.

    In the data root (`home`): the compiled sources read the raw folder relative to it
    (DuckDB's `file_search_path`). `excluded_s`: dbt's seconds on what the direct run leaves out.
    """
    manifest = build_target / "manifest.json"
    run_results = json.loads((build_target / "run_results.json").read_text())
    excluded = excluded_seconds(run_results, json.loads(manifest.read_text()))
    db = home / "warehouse" / "build.duckdb"
    return _step("dbt_direct", {"manifest": manifest, "db": db}, home) | {"excluded_s": excluded}


def generate_once(options: BenchOptions, customers: int, root: Path) -> dict:
    """Generate the company once per size and seed; later runs reuse it and its figures."""
    source = root / "source"
    marker = source / "generation.json"
    if marker.exists():
        return json.loads(marker.read_text()) | {"reused": True}
    shutil.rmtree(source, ignore_errors=True)
    payload = {
        "landing": source / "landing",
        "truth": source / "truth",
        "customers": customers,
        "seed": options.seed,
        "start": START,
        "days": options.days + 1,
    }
    measured = _step("generate", payload)
    marker.write_text(json.dumps(measured))
    return measured


def _profile(target: Path) -> list[tuple[str, float]]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    slowest = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:PROFILE_NODES]
    return [(r["unique_id"].split(".", 2)[-1], round(r["execution_time"], 1)) for r in slowest]


def run_size(options: BenchOptions, customers: int, say: Callable[[str], None]) -> dict:
    """Every stage and baseline at one size (the refreshes only if asked); the run's entry."""
    root = options.data_dir / f"harness-c{customers}-d{options.days}-s{options.seed}"
    load_before = [round(x, 2) for x in os.getloadavg()]
    stages: dict[str, dict] = {}
    baselines: dict[str, dict] = {}

    def done(group: dict, key: str, measured: dict) -> None:
        group[key] = measured
        say(f"{customers:>9,} {key:<20} {measured.get('wall_s', '-')} s  {measured}")

    profile: list[tuple[str, float]] = []
    failed = None
    try:
        _measure(options, customers, root, stages, baselines, profile, done)
    except RuntimeError as exc:  # a step failed: keep what was measured before it, say why
        failed = failure_reason(exc)
        say(f"{customers:>9,} stopped by a failed step: {failed}")
    run = {
        "customers": customers,
        "days": options.days,
        "seed": options.seed,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "build_memory_limit": Settings.from_env().build_memory_limit,  # the stages inherit it
        "stages": stages,
        "baselines": baselines,
        "profile": profile,
    } | ({"failed": failed} if failed else {})
    return run | {"ratios": report.ratios(run)}


def _measure(
    options: BenchOptions,
    customers: int,
    root: Path,
    stages: dict[str, dict],
    baselines: dict[str, dict],
    profile: list[tuple[str, float]],
    done: Callable[[dict, str, dict], None],
) -> None:
    """Generation, the stage home (unless refreshes only), the refreshes, each as it is done.

    What was measured is in `stages`, `baselines` and `profile` (the build's slowest nodes)
    even when a later step fails.
    """
    done(stages, "generation", generate_once(options, customers, root))
    source_landing = root / "source" / "landing"
    days = extract_days(source_landing)
    base, extra = days[:-1], days[-1:]
    if not options.refreshes_only:
        home = empty_folder(root / "stages")
        land_days(source_landing, home / "landing", base)
        build_target = _stage_home(options, customers, root, home, stages, baselines, done)
        profile.extend(_profile(build_target))
    refresh_home = empty_folder(root / "refresh")
    land_days(source_landing, refresh_home / "landing", base)
    done(stages, "full_refresh", _step("refresh", {}, refresh_home))
    land_days(source_landing, refresh_home / "landing", extra)
    done(stages, "incremental_refresh", _step("refresh", {}, refresh_home))
    done(stages, "nothing_new_refresh", _step("refresh", {}, refresh_home))
    if not options.refreshes_only:
        intraday = {"interval_s": options.sensor_interval_s}
        done(stages, "intraday_delivery", _step("intraday", intraday, refresh_home))
        done(stages, "dashboards", _step("dashboards", {"repeat": options.repeat}, refresh_home))


def _stage_home(
    options: BenchOptions,
    customers: int,
    root: Path,
    home: Path,
    stages: dict[str, dict],
    baselines: dict[str, dict],
    done: Callable[[dict, str, dict], None],
) -> Path:
    """Each stage alone and the baselines, on a home holding the first `days` extracts.

    Returns the `dbt build` stage's target folder (its run_results give the slowest nodes).
    """
    done(
        baselines,
        "duckdb_read",
        _step("duckdb_read", {"landing": home / "landing", "db": root / "read.duckdb"}),
    )
    (root / "read.duckdb").unlink(missing_ok=True)
    if options.dlt:
        done(baselines, "dlt", dlt_baseline(options, customers, root, home))
    done(stages, "ingestion", _step("ingest", {}, home))
    build_target = home / "dbt-target"
    # As the refresh builds (dagster_project/defs/dbt_assets.py): unit tests run in CI only.
    build = {"command": "build", "target_path": build_target, "flags": UNIT_TESTS_EXCLUDED}
    done(stages, "dbt_build", _step("dbt", build, home))
    done(baselines, "dbt_direct", direct_sql_baseline(home, build_target))
    manifest = build_target / "manifest.json"
    done(baselines, "dbt_same_nodes", same_nodes_build(home, json.loads(manifest.read_text())))
    for key, select in (("identity", IDENTITY_SELECTOR), ("clv_fit", CLV_SELECTOR)):
        payload = {"command": "run", "select": select, "target_path": home / f"dbt-{key}"}
        # A rerun would reuse the stored CLV fits (clv.cadence); a full refresh fits again.
        payload["flags"] = ["--full-refresh"] if key == "clv_fit" else []
        done(stages, key, _step("dbt", payload, home))
    done(stages, "publishing", _step("publish", {}, home))
    return build_target


def same_nodes_build(home: Path, manifest: dict) -> dict:
    """The dbt side of the overhead ratio: `dbt build` of exactly the nodes the direct run runs.

    On the built home, `--full-refresh` (the direct run recreates every table too), without the
    Python models, seeds, snapshots and unit tests. Subtracting the Python models' time from the
    whole build's wall time instead would be wrong: with two threads they overlap SQL nodes.
    """
    python_models = sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node.get("language") == "python"
    )
    flags = ["--full-refresh"]
    for kind in ("unit_test", "seed", "snapshot"):
        flags += ["--exclude-resource-type", kind]
    payload = {
        "command": "build",
        "target_path": home / "dbt-same-nodes",
        "exclude": " ".join(python_models),
        "flags": flags,
    }
    return _step("dbt", payload, home)


def machine() -> dict:
    """Cores, memory, CPU model and Python of this machine."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "unknown CPU",
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    kb = next((int(line.split()[1]) for line in meminfo.splitlines() if "MemTotal" in line), 0)
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(kb / 2**20, 1),
        "cpu_model": model,
        "python": platform.python_version(),
    }


def run(options: BenchOptions, say: Callable[[str], None]) -> Path:
    """Measure every size, merge into the results file, regenerate the docs' tables."""
    runs = [run_size(options, customers, say) for customers in options.customers]
    results_path = options.results_dir / f"{options.name}.json"
    previous = json.loads(results_path.read_text())["runs"] if results_path.exists() else []
    command = "c360 bench --customers " + " ".join(str(n) for n in options.customers)
    results = {
        "command": command,
        "machine": machine(),
        "runs": report.merge_runs(previous, runs),
    }
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    if options.docs.exists():
        options.docs.write_text(
            report.replace_block(options.docs.read_text(), report.render(results))
        )
    return results_path


def render_only(options: BenchOptions) -> Path:
    """Recompute the ratios of the stored runs and regenerate the docs' block (no measuring)."""
    results_path = options.results_dir / f"{options.name}.json"
    results = json.loads(results_path.read_text())
    for entry in results["runs"]:
        entry["ratios"] = report.ratios(entry)
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    options.docs.write_text(report.replace_block(options.docs.read_text(), report.render(results)))
    return results_path

"""`c360 soak`: a month of messy days, one delivery and one refresh a day, then a clean rebuild.

A company is generated once with the generator's `heavy` defects (kept under
`bench/.data/soak-c<customers>-d<days>-s<seed>/source` and reused). Its day folders are landed
one at a time into a fresh home; each day a few landed files are damaged (`mutations`), then
`c360 refresh` runs in a child process (wall time, and the peak resident memory of its whole
process tree: Dagster, dbt and DuckDB together). After each successful refresh the published
`quality.load_log` must account for every landed file, each with rows read = loaded +
quarantined. At the end one refresh of the same landed files into an empty home (a clean full
build) must publish marts equal, table by table, to the incremental ones.

A refresh that fails is a finding, recorded with its reason, and the month goes on: the point is
to see what a month of bad input does, not to stop at the first surprise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.child import measure_child
from bench.days import extract_days, land_days
from bench.harness import START, machine
from bench.mutations import mutate_day
from bench.scratch import scratch_dir
from c360.serving import connect_readonly, resolve_current
from c360.settings import REPO_ROOT, Settings
from ingestion.landing import MARKER_FILES

HISTORY_SUFFIX = "_history"
"""Snapshot histories (`dim_customers_history`) record what each refresh saw, with its time: a
month of daily refreshes keeps versions a single rebuild never saw, by design. They are compared
and shown, not counted as a difference."""


@dataclasses.dataclass(frozen=True)
class SoakOptions:
    """What `c360 soak` was asked for."""

    customers: int = 1_000
    days: int = 30
    seed: int = 42
    mutations_per_day: int = 2
    # Stop landing days when the next one would pass this many minutes (None: every day).
    max_minutes: float | None = None
    # Land only the first this many of the generated days (None: all): the same company and
    # the same damage as a longer run, up to that day.
    land_days: int | None = None
    data_dir: Path = dataclasses.field(default_factory=scratch_dir)
    results_dir: Path = REPO_ROOT / "bench" / "results"


def _child(step: str, payload: dict, home: Path | None = None) -> dict:
    """A benchmark step in a child process; a crash is returned as a failure, not raised."""
    env = {"C360_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")} if home else {}
    argv = ["-m", "bench.stages", step, json.dumps(payload, default=str)]
    try:
        return measure_child(argv, env=env, tree_memory=True)
    except RuntimeError as exc:  # the child died: its stderr's last line says why
        return {"success": False, "failures": [str(exc).strip().splitlines()[-1][:300]]}


def _generate(options: SoakOptions, root: Path) -> Path:
    landing = root / "source" / "landing"
    marker = root / "source" / "generation.json"
    if not marker.exists():
        shutil.rmtree(root / "source", ignore_errors=True)
        payload = {
            "landing": landing,
            "truth": root / "source" / "truth",
            "customers": options.customers,
            "seed": options.seed,
            "start": START,
            "days": options.days,
            "defects": "heavy",
        }
        generated = _child("generate", payload)
        if "files" not in generated:
            raise RuntimeError(f"generating the soak company failed: {generated}")
        marker.write_text(json.dumps(generated))
    return landing


def _fresh_home(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _settings(home: Path) -> Settings:
    return Settings.from_env({"C360_HOME": str(home)})


def landed(landing: Path) -> set[str]:
    """Every landed extract file, relative to the landing folder (markers aside)."""
    return {
        p.relative_to(landing).as_posix()
        for p in landing.glob("*/*/*")
        if p.is_file() and p.name not in MARKER_FILES
    }


def reconcile(home: Path) -> dict:
    """From the published `quality.load_log`: files per status, unreconciled and missing files."""
    settings = _settings(home)
    con = connect_readonly(settings)
    try:
        rows = con.execute(
            "select source_file, status, rows_read, rows_loaded, rows_quarantined "
            "from quality.load_log"
        ).fetchall()
    finally:
        con.close()
    by_status: dict[str, int] = {}
    for _, status, *_ in rows:
        by_status[status] = by_status.get(status, 0) + 1
    unreconciled = sorted(f for f, _, read, ok, bad in rows if read != ok + bad)
    return {
        "files": by_status,
        "rows_read": sum(r[2] for r in rows),
        "rows_quarantined": sum(r[4] for r in rows),
        "unreconciled": unreconciled,
        "missing": sorted(landed(settings.landing_dir) - {r[0] for r in rows}),
    }


def compare_marts(incremental: Path, full: Path) -> dict[str, dict]:
    """Per mart table: rows in each, and rows of each side missing from the other (EXCEPT ALL)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{incremental}' as incremental (read_only)")
        con.execute(f"attach '{full}' as full_build (read_only)")
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = 'incremental' and schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        compared = {}
        for table in tables:
            a, b = f'incremental.marts."{table}"', f'full_build.marts."{table}"'
            [(rows_a, rows_b, only_a, only_b)] = con.execute(
                f"select (select count(*) from {a}), (select count(*) from {b}), "
                f"(select count(*) from (from {a} except all from {b})), "
                f"(select count(*) from (from {b} except all from {a}))"
            ).fetchall()
            compared[table] = {
                "rows": rows_a,
                "rows_full": rows_b,
                "only_incremental": only_a,
                "only_full": only_b,
            }
    finally:
        con.close()
    return compared


def _refresh(home: Path) -> dict:
    return _child("refresh", {"report_failure": True}, home)


def run_day(options: SoakOptions, source: Path, home: Path, day: dt.date) -> dict:
    """Land one day, damage some of its files, refresh, and check what was published."""
    land_days(source, home / "landing", [day])
    mutations = mutate_day(
        home / "landing", day.isoformat(), options.seed, options.mutations_per_day
    )
    refreshed = _refresh(home)
    entry = {
        "day": day.isoformat(),
        "mutations": [dataclasses.asdict(m) for m in mutations],
        "success": bool(refreshed.get("success")),
        "failures": refreshed.get("failures", []),
        "wall_s": refreshed.get("wall_s"),
        "tree_peak_mb": refreshed.get("tree_peak_mb"),
        "files_loaded": refreshed.get("files_loaded"),
        "rows_quarantined": refreshed.get("rows_quarantined"),
    }
    if entry["success"]:
        entry["reconciliation"] = reconcile(home)
    return entry


def run_soak(options: SoakOptions, say: Callable[[str], None]) -> Path:
    """The month, the clean rebuild and the comparison; results in bench/results/soak-*.json."""
    root = options.data_dir / f"soak-c{options.customers}-d{options.days}-s{options.seed}"
    source = _generate(options, root)
    home = _fresh_home(root / "incremental")
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.monotonic()
    days: list[dict] = []
    for day in extract_days(source)[: options.land_days]:
        if _out_of_time(options, started, days):
            say(f"stopping before {day}: the next day would pass {options.max_minutes} minutes")
            break
        days.append(run_day(options, source, home, day))
        say(day_line(days[-1]))
    full_home = _fresh_home(root / "full")
    land_days(home / "landing", full_home / "landing", extract_days(home / "landing"))
    full = _refresh(full_home)
    say(f"clean full build: {'ok' if full.get('success') else full.get('failures')}")
    marts: dict[str, dict] = {}
    if full.get("success") and days[-1]["success"]:
        marts = compare_marts(
            resolve_current(_settings(home)), resolve_current(_settings(full_home))
        )
    results = {
        "command": f"c360 soak --customers {options.customers} --days {options.days} "
        f"--seed {options.seed} --mutations {options.mutations_per_day}"
        + (f" --minutes {options.max_minutes:g}" if options.max_minutes else "")
        + (f" --land-days {options.land_days}" if options.land_days else ""),
        "days_run": len(days),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "days": days,
        "full_build": {k: full.get(k) for k in ("success", "failures", "wall_s", "tree_peak_mb")},
        "marts": marts,
        "findings": findings(days, full, marts),
    }
    path = options.results_dir / f"soak-c{options.customers}-d{options.days}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    for line in render(results).splitlines():
        say(line)
    return path


def _out_of_time(options: SoakOptions, started: float, days: list[dict]) -> bool:
    """Whether one more day, as long as the slowest so far, would pass the time budget."""
    if options.max_minutes is None or not days:
        return False
    slowest = max(d["wall_s"] or 0 for d in days)
    return time.monotonic() - started + slowest > options.max_minutes * 60


def findings(days: list[dict], full: dict, marts: dict[str, dict]) -> list[str]:
    """What broke a promise: failed refreshes, files not reconciled or not logged, marts unequal."""
    found = []
    for d in days:
        if not d["success"]:
            found.append(f"{d['day']}: refresh failed: {'; '.join(d['failures'])}")
        check = d.get("reconciliation") or {}
        if check.get("unreconciled"):
            found.append(f"{d['day']}: rows do not reconcile in {check['unreconciled']}")
        if check.get("missing"):
            found.append(f"{d['day']}: landed files with no load log entry: {check['missing']}")
    if not full.get("success"):
        found.append(f"clean full build failed: {'; '.join(full.get('failures', []))}")
    differing = [
        t
        for t, c in marts.items()
        if (c["only_incremental"] or c["only_full"]) and not t.endswith(HISTORY_SUFFIX)
    ]
    if differing:
        found.append(f"marts that differ between incremental and full builds: {differing}")
    return found


def day_line(d: dict) -> str:
    """One day as a line of the progress output."""
    check = d.get("reconciliation") or {}
    files = ", ".join(f"{k} {v}" for k, v in sorted(check.get("files", {}).items()))
    damaged = ", ".join(f"{m['kind']} {m['file']}" for m in d["mutations"])
    outcome = "ok" if d["success"] else "FAILED " + "; ".join(d["failures"])[:300]
    return (
        f"{d['day']}  {d['wall_s']} s  {d['tree_peak_mb']} MB  {outcome}  "
        f"[{files}]  damaged: {damaged}"
    )


def render(results: dict) -> str:
    """The markdown of docs/benchmarks.md's month-of-messy-days table."""
    lines = [
        "| day | damaged files | refresh | wall s | peak MB (tree) | files loaded / rejected "
        "(cumulative) | rows quarantined (cumulative) | reconciled |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for d in results["days"]:
        check = d.get("reconciliation")
        files = check["files"] if check else {}
        reconciled = (
            "-" if not check else "yes" if not (check["unreconciled"] or check["missing"]) else "NO"
        )
        damaged = "<br>".join(f"{m['kind']}: `{m['file']}`" for m in d["mutations"]) or "-"
        outcome = "ok" if d["success"] else "failed: " + "; ".join(d["failures"])[:200]
        lines.append(
            f"| {d['day']} | {damaged} | {outcome} | {d['wall_s']} | {d['tree_peak_mb']} | "
            f"{files.get('loaded', '-')} / {files.get('rejected', '-')} | "
            f"{check['rows_quarantined'] if check else '-'} | {reconciled} |"
        )
    full = results["full_build"]
    marts = results["marts"]
    equal = [t for t, c in marts.items() if not (c["only_incremental"] or c["only_full"])]
    histories = [
        f"{t} ({c['rows']:,} rows vs {c['rows_full']:,})"
        for t, c in marts.items()
        if t not in equal and t.endswith(HISTORY_SUFFIX)
    ]
    by_design = f"; snapshot histories, different by design: {', '.join(histories)}"
    lines += [
        "",
        f"Clean full build of the same landed files: {'succeeded' if full['success'] else 'failed'}"
        f" in {full['wall_s']} s, peak {full['tree_peak_mb']} MB; marts equal to the incremental "
        f"ones: {len(equal)} of {len(marts)}{by_design if histories else ''}.",
    ]
    if results["findings"]:
        lines += ["", "Findings:", *(f"- {f}" for f in results["findings"])]
    return "\n".join(lines)

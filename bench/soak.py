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
to see what a month of bad input does, not to stop at the first surprise. The checks are
`soak_verdicts.py`, the progress lines and the table `soak_report.py`.
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

from bench.child import measure_child
from bench.days import extract_days, land_days
from bench.harness import START, machine
from bench.mutations import mutate_day
from bench.scratch import empty_folder, scratch_dir
from bench.soak_report import day_line, render
from bench.soak_verdicts import compare_marts, findings, reconcile
from c360.serving import resolve_current
from c360.settings import REPO_ROOT, Settings


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


def _settings(home: Path) -> Settings:
    return Settings.from_env({"C360_HOME": str(home)})


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
    home = empty_folder(root / "incremental")
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.monotonic()
    days: list[dict] = []
    for day in extract_days(source)[: options.land_days]:
        if _out_of_time(options, started, days):
            say(f"stopping before {day}: the next day would pass {options.max_minutes} minutes")
            break
        days.append(run_day(options, source, home, day))
        say(day_line(days[-1]))
    full_home = empty_folder(root / "full")
    land_days(home / "landing", full_home / "landing", extract_days(home / "landing"))
    full = _refresh(full_home)
    say(f"clean full build: {'ok' if full.get('success') else full.get('failures')}")
    marts: dict[str, dict] = {}
    if full.get("success") and days[-1]["success"]:
        # The copies with personal data: the masked files' tokens are salted per version.
        marts = compare_marts(
            resolve_current(_settings(home), personal_data=True),
            resolve_current(_settings(full_home), personal_data=True),
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

"""A real refresh killed with SIGKILL at each stage: readers keep the last good version, the lock
is not left stale, and the next refresh completes with nothing duplicated or lost.

The refresh runs as `python -m c360.cli refresh` in its own process group; `C360_KILL_AT` makes it
kill its whole group (dbt's child process too) at a named point (c360/fault_points.py). The tests
share one copy of the session's built company whose raw area is deleted, so the killed refreshes
have every file to ingest again; they run in file order and each kill lands on what the previous
ones left, which is the point. Each also holds alone: the final refresh is compared with the
session's clean single refresh of the same extracts, not with anything the kills produced.
"""

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from c360.fault_points import (
    DBT_BUILD_RUNNING,
    INGESTION_AFTER_RAW_WRITE,
    KILL_AT_ENV,
    PUBLISH_BEFORE_RENAME,
    PUBLISH_BEFORE_SWITCH,
)
from c360.publish import list_versions, served_versions
from c360.refresh_lock import refresh_lock
from c360.serving import connect_readonly, resolve_current
from c360.settings import REPO_ROOT
from c360.status import read_last_refresh, render_status
from dagster_project.defs.ingestion_assets import WAREHOUSE_POOL
from dagster_project.run_refresh import run_refresh
from ingestion.landing import MARKER_FILES
from ingestion.raw_store import EMPTY_FILE, read_load_log
from ingestion.reference_rates import monthly_rates_dir
from tests.conftest import settings_for


@dataclass(frozen=True)
class ReaderView:
    """What a reader of the published warehouse sees: the file, its version, real row counts."""

    path: Path
    version: str
    counts: dict[str, int]


def what_readers_see(settings) -> ReaderView:
    con = connect_readonly(settings)
    try:
        version = con.execute("select version from meta.publication").fetchone()[0]
        tables = [t for (t,) in con.execute("select table_name from meta.row_counts").fetchall()]
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    finally:
        con.close()
    return ReaderView(resolve_current(settings), version, counts)


def raw_rows(raw_dir: Path) -> dict[str, int]:
    """Rows per raw table (`crm/accounts`), over every load file."""
    rows = {}
    for folder in sorted(p.parent for p in raw_dir.glob("*/*/" + EMPTY_FILE)):
        if folder.parent.name.startswith("_"):
            continue
        files = [f for f in folder.glob("*.parquet") if f.name != EMPTY_FILE]
        rows[f"{folder.parent.name}/{folder.name}"] = sum(pl.read_parquet(f).height for f in files)
    return rows


def unlogged_raw_files(settings) -> set[str]:
    """Raw load files that have no load log entry (written, then killed before the log)."""
    logged = set(read_load_log(settings.raw_dir)["load_id"].to_list())
    # The ECB reference rates are rewritten from the installed package, not loaded from a file.
    reference = monthly_rates_dir(settings.raw_dir)
    return {
        f.stem
        for f in settings.raw_dir.glob("*/*/*.parquet")
        if f.name != EMPTY_FILE
        and not f.parent.parent.name.startswith("_")
        and f.parent != reference
    } - logged


def killed_run_state(settings) -> tuple[str | None, list[str]]:
    """The step the newest Dagster run started and never finished, and the warehouse pool slots
    that run still holds (nobody freed them: its process died)."""
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        starts = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)
        started = [e.step_key for e in starts]
        finished = {
            e.step_key
            for e in instance.all_logs(
                run.run_id,
                of_type={dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE},
            )
        }
        slots = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots
    pending = [s for s in started if s not in finished]
    return (pending[-1] if pending else None), [s.step_key for s in slots if s.run_id == run.run_id]


def killed_at(point: str, *command: str) -> subprocess.CompletedProcess:
    """Run a c360 command in its own process group with the kill point armed."""
    return subprocess.run(
        [sys.executable, *command],
        cwd=REPO_ROOT,
        env={**os.environ, KILL_AT_ENV: point},
        start_new_session=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def home(built, tmp_path_factory) -> Path:
    """The built company with its raw area gone: every landed file is new to the next refresh."""
    copy = tmp_path_factory.mktemp("faults") / "c360"
    shutil.copytree(built, copy, symlinks=True)
    shutil.rmtree(copy / "raw")
    return copy


@pytest.fixture(scope="module")
def clean(built) -> ReaderView:
    """What readers see after the session's clean single refresh of the same extracts."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return what_readers_see(settings_for(built, monkeypatch))


KILLS = [
    pytest.param(f"{INGESTION_AFTER_RAW_WRITE}@5", "ingest", id="during-ingestion"),
    pytest.param(f"{DBT_BUILD_RUNNING}@30", "dbt_build", id="during-the-dbt-build"),
    pytest.param(PUBLISH_BEFORE_SWITCH, "serving__current", id="during-publishing"),
]


@pytest.mark.parametrize(("point", "step"), KILLS)
def test_a_refresh_killed_at_any_stage_leaves_readers_on_the_last_good_version(
    home, clean, point, step, monkeypatch
):
    settings = settings_for(home, monkeypatch)
    before = what_readers_see(settings)
    assert before.version == clean.version

    refresh = killed_at(point, "-m", "c360.cli", "refresh")

    assert refresh.returncode == -signal.SIGKILL, refresh.stderr[-2000:]
    # It died inside the stage it was meant to, holding the pool slot the next refresh frees.
    assert killed_run_state(settings) == (step, [step])
    assert what_readers_see(settings) == before
    assert read_last_refresh(settings)["state"] == "killed"
    assert "last refresh       KILLED" in render_status(settings)
    if step == "ingest":
        assert unlogged_raw_files(settings)  # a raw file written, its log entry not
    if step == "serving__current":
        assert [v.name for v in list_versions(settings) if v.name not in served_versions(settings)]
    # The dead process's pid is still in the lock file, but the kernel released the flock.
    assert settings.refresh_lock.read_text() not in {"", str(os.getpid())}
    with refresh_lock(settings.refresh_lock):
        pass


def test_a_publication_killed_while_writing_its_file_changes_nothing_readers_see(
    home, clean, monkeypatch
):
    settings = settings_for(home, monkeypatch)
    before = what_readers_see(settings)
    publish = killed_at(
        PUBLISH_BEFORE_RENAME,
        "-c",
        "from c360.publish import publish; from c360.settings import Settings; "
        "publish(Settings.from_env())",
    )
    assert publish.returncode == -signal.SIGKILL, publish.stderr[-2000:]
    assert list(settings.serving_dir.glob(".c360-*.tmp"))  # the half-published file
    assert what_readers_see(settings) == before


def test_the_next_refresh_completes_with_nothing_duplicated_or_lost(
    home, built, clean, monkeypatch
):
    settings = settings_for(home, monkeypatch)

    summary = run_refresh(settings)

    assert summary.success, summary.failures + summary.checks_failed
    after = what_readers_see(settings)
    assert after.version != clean.version
    assert after.counts == clean.counts
    assert raw_rows(settings.raw_dir) == raw_rows(built / "raw")
    landed = {
        p.relative_to(settings.landing_dir).as_posix()
        for p in settings.landing_dir.glob("*/*/*")
        if p.name not in MARKER_FILES
    }
    log = read_load_log(settings.raw_dir)
    assert sorted(log["source_file"].to_list()) == sorted(landed)  # each file once
    assert unlogged_raw_files(settings) == set()
    # No temporary file, no version readers were never given, no run left "started".
    assert not list(settings.serving_dir.glob(".*"))
    assert {v.name for v in list_versions(settings)} <= served_versions(settings)
    with dg.DagsterInstance.get() as instance:
        unfinished = instance.get_runs(
            filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])
        )
        slots = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    assert unfinished == []
    assert slots.claimed_slots == []

"""A step retries only a passing trouble; any other error fails it at once, with its cause named
in the run, in `c360 refresh`'s output and exit code, and in `c360 status`."""

import errno
import shutil
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from c360 import cli, fault_points
from c360.fault_points import (
    INGESTION_AFTER_RAW_WRITE,
    RAISE_AT_ENV,
    RAISE_ERROR_ENV,
    InjectedFaultError,
)
from c360.refresh_lock import RefreshInProgressError
from c360.serving import resolve_current
from c360.status import read_last_refresh, render_status
from dagster_project.defs.step_failures import (
    StepError,
    failure_reason,
    failures_named,
    is_transient,
)
from dagster_project.run_refresh import run_refresh
from ingestion.landing import MARKER_FILES
from ingestion.raw_store import read_load_log
from tests.conftest import settings_for

INJECTED = "InjectedFaultError: injected fault at ingestion:after_raw_write (C360_RAISE_AT)"


@pytest.mark.parametrize(
    "error",
    [
        duckdb.IOException('IO Error: Could not set lock on file "b.duckdb": Conflicting lock'),
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EBUSY, "Device or resource busy"),
        BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable"),
        RefreshInProgressError("another refresh is running"),
        StepError("dbt build failed: model stg_crm__accounts: Could not set lock on file x"),
    ],
    ids=["duckdb-lock", "disk-full", "busy-file", "would-block", "refresh-lock", "dbt-lock"],
)
def test_a_lock_a_busy_file_or_a_full_disk_is_transient(error):
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        pl.exceptions.ComputeError("could not parse `x` as dtype i64 at column 'amount'"),
        UnicodeDecodeError("utf-8", b"\xe9", 0, 1, "invalid continuation byte"),
        FileNotFoundError(errno.ENOENT, "No such file or directory"),
        KeyError("account_id"),
        InjectedFaultError("injected"),
        StepError("dbt build failed: model fct_invoice_lines: Constraint Error: NOT NULL"),
    ],
    ids=["reader", "encoding", "missing-file", "bug", "injected", "dbt-model"],
)
def test_a_data_or_code_error_is_not_transient(error):
    assert not is_transient(error)


def test_an_error_raised_from_a_lock_error_is_transient():
    try:
        try:
            raise duckdb.IOException("IO Error: Could not set lock on file x")
        except duckdb.IOException as lock:
            raise RuntimeError("publishing failed") from lock
    except RuntimeError as error:
        assert is_transient(error)


def _run_one_asset(body) -> tuple[dg.ExecuteInProcessResult, Counter]:
    """Materialize a one-asset graph whose body runs inside `failures_named`; count attempts."""
    attempts: Counter = Counter()

    @dg.asset(name="step")
    def step(context: dg.AssetExecutionContext) -> None:
        attempts["step"] += 1
        with failures_named(context, lambda: {"file": "crm/2026-09-01/accounts.csv"}):
            body(attempts["step"])

    result = dg.materialize([step], raise_on_error=False, instance=dg.DagsterInstance.ephemeral())
    return result, attempts


def test_a_deterministic_error_fails_the_step_at_once_naming_file_and_cause():
    def body(attempt: int) -> None:
        raise KeyError("account_id")

    result, attempts = _run_one_asset(body)

    assert attempts["step"] == 1
    [event] = result.get_step_failure_events()
    assert failure_reason(event) == "crm/2026-09-01/accounts.csv: KeyError: 'account_id'"
    metadata = event.event_specific_data.user_failure_data.metadata
    assert metadata["file"].value == "crm/2026-09-01/accounts.csv"
    assert metadata["exception"].value == "KeyError"
    assert metadata["raised_at"].value.startswith(__file__)


def test_a_transient_error_is_retried_until_it_passes(monkeypatch):
    monkeypatch.setattr("dagster_project.defs.step_failures.FIRST_WAIT_SECONDS", 0)

    def body(attempt: int) -> None:
        if attempt < 3:
            raise duckdb.IOException("IO Error: Could not set lock on file x: Conflicting lock")

    result, attempts = _run_one_asset(body)

    assert result.success
    assert attempts["step"] == 3


def test_a_transient_error_that_never_passes_names_its_cause_not_the_retry_count(monkeypatch):
    monkeypatch.setattr("dagster_project.defs.step_failures.FIRST_WAIT_SECONDS", 0)

    def body(attempt: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    result, attempts = _run_one_asset(body)

    assert attempts["step"] == 4
    [event] = result.get_step_failure_events()
    assert failure_reason(event) == (
        "still failing after 3 retries: OSError: [Errno 28] No space left on device (the disk "
        "is full: free space on it, or move C360_HOME to a larger one, then refresh again)"
    )


def oldest_file(landing: Path, source: str) -> str:
    """The first file ingestion takes of a source: oldest folder, first name in sorted order."""
    folder = sorted(p for p in (landing / source).iterdir() if p.is_dir())[0]
    first = sorted(p for p in folder.iterdir() if p.name not in MARKER_FILES)[0]
    return first.relative_to(landing).as_posix()


@pytest.fixture
def unloaded(built, tmp_path, monkeypatch) -> Path:
    """A copy of the built company whose raw area is gone: every landed file is new again."""
    home = tmp_path / "c360"
    shutil.copytree(built, home, symlinks=True)
    shutil.rmtree(home / "raw")
    monkeypatch.setattr(fault_points, "_raised", Counter())
    return home


def test_a_failing_reader_fails_the_refresh_at_once_naming_the_step_file_and_error(
    unloaded, monkeypatch, capsys
):
    settings = settings_for(unloaded, monkeypatch)
    published = resolve_current(settings)
    monkeypatch.setenv(RAISE_AT_ENV, INGESTION_AFTER_RAW_WRITE)
    # Both sources fail at their first file, each in its own process; the reason names both.
    expected = (
        f"step ingest: {oldest_file(settings.landing_dir, 'crm')}: {INJECTED}; "
        f"{oldest_file(settings.landing_dir, 'erp')}: {INJECTED}"
    )

    exit_code = cli.main(["refresh"])

    assert exit_code == 1
    printed = capsys.readouterr()
    assert f"  {expected}\n" in printed.err
    assert "max_retries" not in printed.out + printed.err
    record = read_last_refresh(settings)
    assert record["state"] == "failed"
    assert expected in record["failures"]
    assert f"  failed step      {expected}" in render_status(settings)
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        starts = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)
        retries = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)
        [failure] = [
            e.dagster_event
            for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
            if e.dagster_event.step_key == "ingest"
        ]
    assert [e.step_key for e in starts].count("ingest") == 1
    assert retries == []
    metadata = failure.event_specific_data.user_failure_data.metadata
    assert metadata["file"].value == oldest_file(settings.landing_dir, "crm")
    assert metadata["exception"].value == "InjectedFaultError"
    assert resolve_current(settings) == published
    assert read_load_log(settings.raw_dir).height == 0  # neither source logged a file


def test_a_lock_held_during_ingestion_is_retried_and_the_refresh_succeeds(unloaded, monkeypatch):
    settings = settings_for(unloaded, monkeypatch)
    published = resolve_current(settings)
    monkeypatch.setenv(RAISE_AT_ENV, f"{INGESTION_AFTER_RAW_WRITE}@1")
    monkeypatch.setenv(RAISE_ERROR_ENV, "lock")

    summary = run_refresh(settings)

    assert summary.success, summary.failures
    assert resolve_current(settings) != published
    with dg.DagsterInstance.get() as instance:
        retries = instance.all_logs(summary.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)
    assert len(retries) == 1
    assert retries[0].dagster_event.step_key == "ingest"


def test_a_build_out_of_memory_names_the_database_error_and_the_setting_to_change(
    built, tmp_path, monkeypatch, capsys
):
    home = tmp_path / "c360"
    shutil.copytree(built, home, symlinks=True)
    settings = settings_for(home, monkeypatch, {"C360_BUILD_MEMORY_LIMIT": "2MB"})
    published = resolve_current(settings)

    exit_code = cli.main(["refresh", "--force"])

    assert exit_code == 1
    printed = capsys.readouterr()
    [reason] = read_last_refresh(settings)["failures"]
    assert reason.startswith("step dbt_build: dbt build failed: ")
    assert "model stg_" in reason
    # the database's own line, not dbt's header ("Runtime Error in model ...")
    assert ": Out of Memory Error: " in reason
    assert "Runtime Error in" not in reason
    assert reason.count("; ") == 5  # five nodes named, then how many more
    assert "more (dbt's run_results.json)" in reason
    assert reason.endswith(
        "The build's DuckDB ran out of memory under C360_BUILD_MEMORY_LIMIT=2MB with "
        f"C360_BUILD_THREADS={settings.build_threads}: raise the limit or lower the threads "
        '(docs/operations.md, "The build\'s memory")'
    )
    assert reason in printed.err
    # a test whose query failed did not check anything: it is not "0 failing rows"
    assert "0 failing rows" not in printed.out + printed.err
    assert "errored before it could check anything" in printed.out + printed.err
    assert resolve_current(settings) == published

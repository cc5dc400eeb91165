"""Sources ingested in child processes at once, and what comes back from them.

The same raw area as one after the other, every error brought back whole, a dead child named,
and the hook run in the parent.
"""

import errno
import linecache
import os
import subprocess
import sys
import types
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dagster_project.defs.step_failures import is_transient
from ingestion.contracts import load_contracts
from ingestion.load_log import LOADED
from ingestion.raw_store import entity_dir, read_load_log
from ingestion.source_child import JEMALLOC_ENV, KEEP_FREED_PAGES
from ingestion.source_processes import (
    IN_PROCESS_BYTES,
    ChildDiedError,
    ingest_sources,
    new_bytes,
)
from ingestion.sources import Source, ingest


@pytest.fixture(scope="module")
def sources() -> list[Source]:
    return [Source(contract) for contract in load_contracts().values()]


@pytest.fixture(scope="module")
def landing(company_landing) -> Path:
    return company_landing


def _raw_tables(raw: Path, sources: list[Source]) -> dict[str, pl.DataFrame]:
    tables = {}
    for source in sources:
        for entity in source.contract.entities.values():
            files = sorted(entity_dir(raw, entity).glob("*.parquet"))
            frame = pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")
            tables[f"{source.name}.{entity.name}"] = frame.drop("_loaded_at").sort(
                "_source_file", "_row_number"
            )
    return tables


def _log(raw: Path) -> pl.DataFrame:
    return read_load_log(raw).drop("started_at", "finished_at").sort("source_file")


def test_sources_in_processes_write_what_one_after_the_other_writes(landing, sources, tmp_path):
    alone, together = tmp_path / "alone", tmp_path / "together"
    expected = {s.name: ingest(s, landing, alone) for s in sources}

    outcomes = ingest_sources(sources, landing, together, processes=2, in_process_bytes=0)

    assert outcomes == expected
    assert sum(load.status == LOADED for loads in outcomes.values() for load in loads) > 20
    assert _log(together).equals(_log(alone))
    alone_tables = _raw_tables(alone, sources)
    for name, frame in _raw_tables(together, sources).items():
        assert_frame_equal(frame, alone_tables[name], check_row_order=True)


def test_one_process_takes_the_sources_one_after_the_other(landing, sources, tmp_path):
    outcomes = ingest_sources(sources, landing, tmp_path / "raw", processes=1, in_process_bytes=0)
    assert list(outcomes) == [s.name for s in sources]
    assert all(isinstance(loads, list) and loads for loads in outcomes.values())


class _Erasing:
    """An erasure ledger that fails the way it is told, in the child that ingests with it."""

    def __init__(self, how: str) -> None:
        self.how = how

    def rows(self, frame: pl.DataFrame) -> pl.Series:
        if self.how == "die in crm" and sys.argv[-1] == "crm":  # the child's source, last
            os._exit(3)
        if self.how == "chained":  # an OSError: ingestion lets the disk's errors through
            try:
                raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
            except BlockingIOError as busy:
                raise OSError(errno.EIO, "could not write the piece") from busy
        if self.how == "tell the allocator's settings":
            raise OSError(errno.EPERM, os.environ.get(JEMALLOC_ENV, "unset"))
        if self.how == "unpicklable":
            raise _UnpicklableError(lambda: None)
        return pl.repeat(False, frame.height, eager=True)


class _UnpicklableError(OSError):
    def __init__(self, callback) -> None:
        super().__init__("holds a callback")
        self.callback = callback

    def __reduce__(self):
        return (_UnpicklableError, (self.callback,))


def test_an_error_comes_back_with_its_type_message_and_causes(landing, sources, tmp_path):
    outcomes = ingest_sources(
        sources,
        landing,
        tmp_path / "raw",
        processes=2,
        erased=_Erasing("chained"),
        in_process_bytes=0,
    )

    for source in sources:
        error = outcomes[source.name]
        assert type(error) is OSError
        assert (error.errno, error.strerror) == (errno.EIO, "could not write the piece")
        assert isinstance(error.__cause__, BlockingIOError)
        remote = error.__cause__.__cause__
        assert "in rows" in str(remote)  # the child's traceback, its frames
        path, line = remote.raised_at.rsplit(":", 1)
        assert "raise OSError(errno.EIO" in linecache.getline(path, int(line))
        assert is_transient(error)  # judged on its cause, as in one process


def test_an_error_that_cannot_travel_says_what_it_was(landing, sources, tmp_path):
    outcomes = ingest_sources(
        sources[:1],
        landing,
        tmp_path / "raw",
        processes=1,
        erased=_Erasing("unpicklable"),
        in_process_bytes=0,
    )
    error = outcomes[sources[0].name]
    assert isinstance(error, RuntimeError)
    assert str(error) == "_UnpicklableError: holds a callback"


def test_a_child_that_dies_is_named_and_the_others_finish(landing, sources, tmp_path):
    raw = tmp_path / "raw"
    outcomes = ingest_sources(
        sources, landing, raw, processes=2, erased=_Erasing("die in crm"), in_process_bytes=0
    )

    error = outcomes["crm"]
    assert isinstance(error, ChildDiedError)
    assert str(error) == (
        "the process ingesting crm ended before it finished (exit code 3: killed, out of memory?)"
    )
    assert isinstance(outcomes["erp"], list) and outcomes["erp"]
    assert set(read_load_log(raw)["source"]) == {"erp"}


def test_the_hook_runs_in_the_parent_and_its_error_stops_the_child_there(
    landing, sources, tmp_path
):
    raw = tmp_path / "raw"
    calls: list[int] = []

    def hook() -> None:  # runs here: a closure no child could receive
        calls.append(os.getpid())
        if len(calls) == 3:
            raise TimeoutError("the third file's hook")

    outcomes = ingest_sources(
        sources, landing, raw, processes=2, after_raw_write=hook, in_process_bytes=0
    )

    failed = [name for name, outcome in outcomes.items() if isinstance(outcome, TimeoutError)]
    assert len(failed) == 1 and str(outcomes[failed[0]]) == "the third file's hook"
    assert set(calls) == {os.getpid()}
    # Every hook call but the failing one was followed by its log entry; the failing one's file
    # is written and not logged, the window a retry rewrites.
    logged = read_load_log(raw).filter(pl.col("status") == LOADED)
    assert logged.height == len(calls) - 1


def test_a_child_keeps_its_freed_pages_whatever_else_the_allocator_is_told(
    landing, sources, tmp_path, monkeypatch
):
    ledger = _Erasing("tell the allocator's settings")
    monkeypatch.setenv(JEMALLOC_ENV, "narenas:1")
    [error] = ingest_sources(
        sources[:1], landing, tmp_path / "raw", processes=1, erased=ledger, in_process_bytes=0
    ).values()

    # Polars' defaults first (its import), then the inherited setting, then the child's: the
    # last value of an option wins.
    settings = error.strerror.split(",")
    assert settings[-3:] == ["narenas:1", *KEEP_FREED_PAGES.split(",")]
    assert os.environ[JEMALLOC_ENV] == "narenas:1"  # the child's setting, not this process's


def test_the_child_module_loads_without_polars_so_the_allocator_can_be_set_first():
    code = "import sys, ingestion.source_child; print('polars' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "False"


def test_the_parents_main_script_is_not_run_again_in_a_child(
    landing, sources, tmp_path, monkeypatch
):
    # A test process that ran a Streamlit page had it as its main module: multiprocessing's
    # spawn ran that page again in every child, which crashed before ingesting anything.
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the parent's main script ran in a child')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)

    outcomes = ingest_sources(sources, landing, tmp_path / "raw", processes=2, in_process_bytes=0)

    assert all(isinstance(loads, list) and loads for loads in outcomes.values()), outcomes


def test_a_small_delivery_is_ingested_in_this_process(landing, sources, tmp_path, monkeypatch):
    monkeypatch.setenv(JEMALLOC_ENV, "narenas:1")
    ledger = _Erasing("tell the allocator's settings")
    assert new_bytes(sources, landing, tmp_path / "raw") < IN_PROCESS_BYTES

    outcomes = ingest_sources(sources, landing, tmp_path / "raw", processes=2, erased=ledger)

    # No child: the ledger ran here, with this process's allocator setting, nothing appended.
    assert {error.strerror for error in outcomes.values()} == {"narenas:1"}
    assert new_bytes(sources, landing, tmp_path / "raw") > 0  # the failed files are still new

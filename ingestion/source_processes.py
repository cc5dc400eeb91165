"""Every source ingested in a child process of its own, several at once; the hook runs here.

Why processes: ingestion is Python and Polars work on one file at a time, bound by one core.
The CRM and the ERP of the 100,000-customer company, ingested by two processes at once, took
0.71 of the time they take one after the other on 2 cores; two threads in one process gained
7 % (docs/benchmarks.md). A child also gives its memory back to the system when it ends, so
the refresh's own process no longer keeps ingestion's high-water mark while dbt builds.

Why no coordination between them: sources never share a file. Each writes its own entity
folders, and the load log and the quarantine are one file per load, written atomically under a
name no other source can produce (`raw_store`).

The `after_raw_write` hook (the fault tests' point between a raw write and its load-log entry)
runs in this process while the child waits for its verdict: its counts (`<point>@<n>`) are one
process's, a kill takes this process's group with the children in it, and an exception it raises
is raised in the child, where ingestion stopped, as if the hook had run there.

The child's side (its entry point, the hook's proxy, how an error travels back) is
`source_child`, which imports only the standard library so that the child can set its allocator
up before Polars loads.
"""

from __future__ import annotations

import itertools
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Sequence
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ingestion.erased_rows import NO_ERASURES, ErasedRows
from ingestion.landing import landed_files
from ingestion.load_log import FileLoad
from ingestion.raw_store import read_load_log
from ingestion.source_child import CHILD_MODULE, DONE, HOOK, sendable
from ingestion.sources import Source, ingest

# A fresh interpreter per child (`python -m ingestion.source_child`). Not forked: the parent is a
# Dagster process with threads of its own, and a fork copies their locks in whatever state they
# are. Not multiprocessing's spawn either: it runs the parent's main script again in the child,
# and in a test whose process had run a Streamlit page that page crashed every child.
IN_PROCESS_BYTES = 128 << 20
"""New files below this size in all are ingested in the calling process, one source after the
other. A child's start (a fresh interpreter importing Polars and pandera) made the 21 small files
of a day's delivery at 100,000 customers take 2.5 s instead of 1.1 s, and one process ingests
about 40 MB/s: two processes win that back only from about 120 MB of new files."""

Outcome = list[FileLoad] | BaseException
"""A source's loads, or the error that stopped it (raised in its child, rebuilt here)."""


class ChildDiedError(RuntimeError):
    """A source's process ended without saying how (killed by a signal, out of memory)."""


def ingest_sources(
    sources: Sequence[Source],
    landing_dir: Path,
    raw_dir: Path,
    *,
    processes: int,
    after_raw_write: Callable[[], None] | None = None,
    erased: ErasedRows = NO_ERASURES,
    in_process_bytes: int = IN_PROCESS_BYTES,
) -> dict[str, Outcome]:
    """`ingest` every source; each one's outcome by name.

    From `in_process_bytes` of new files in all, each source is ingested in a child, `processes`
    at a time; below, here, one after the other.

    A source that fails does not stop the others: each finishes its own files, so every file is
    loaded and logged or untouched. The caller decides what a failure means.
    """
    if new_bytes(sources, landing_dir, raw_dir) < in_process_bytes:
        return {
            s.name: _ingest_here(s, landing_dir, raw_dir, after_raw_write, erased) for s in sources
        }
    pending = list(sources)
    running: dict[Connection, tuple[str, subprocess.Popen]] = {}
    outcomes: dict[str, Outcome] = {}
    try:
        while pending or running:
            while pending and len(running) < max(processes, 1):
                source = pending.pop(0)
                conn, process = _start(source, landing_dir, raw_dir, erased, after_raw_write)
                running[conn] = (source.name, process)
            for conn in wait(list(running)):
                name, process = running[conn]
                outcome = _serve(conn, after_raw_write)
                if outcome is None:
                    continue  # the hook ran; the child goes on
                del running[conn]
                conn.close()
                process.wait()
                if isinstance(outcome, ChildDiedError):
                    outcome = ChildDiedError(
                        f"the process ingesting {name} ended before it finished "
                        f"(exit code {process.returncode}: killed, out of memory?)"
                    )
                outcomes[name] = outcome
    finally:
        for _, process in running.values():  # left only by an error here (an interrupt)
            process.kill()
            process.wait()
    return {source.name: outcomes[source.name] for source in sources}


def new_bytes(sources: Sequence[Source], landing_dir: Path, raw_dir: Path) -> int:
    """The size of the sources' landed files the load log does not have yet."""
    logged = set(read_load_log(raw_dir)["source_file"].to_list())
    return sum(
        landed.path.stat().st_size
        for source in sources
        for landed in landed_files(landing_dir, source.named_by)
        if landed.relative_path not in logged
    )


def _ingest_here(
    source: Source,
    landing_dir: Path,
    raw_dir: Path,
    after_raw_write: Callable[[], None] | None,
    erased: ErasedRows,
) -> Outcome:
    try:
        return ingest(source, landing_dir, raw_dir, after_raw_write=after_raw_write, erased=erased)
    except Exception as exc:  # the same outcome a child would have sent
        return exc


def _start(
    source: Source,
    landing_dir: Path,
    raw_dir: Path,
    erased: ErasedRows,
    after_raw_write: Callable[[], None] | None,
) -> tuple[Connection, subprocess.Popen]:
    ours, theirs = Pipe()  # a socket pair: the child's end is handed over as a file descriptor
    command = [sys.executable, "-m", CHILD_MODULE, str(theirs.fileno()), str(os.getpid())]
    process = subprocess.Popen(
        [*command, source.name],  # the source's name last: `ps` shows which child is which
        pass_fds=(theirs.fileno(),),
        # The child imports what this process imports, from where this process found it.
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    theirs.close()  # the child's end: its death then reads as end-of-file here
    # Pickled here, unpickled by the child only once its allocator is set (`source_child`).
    ours.send((pickle.dumps((source, landing_dir, raw_dir, erased)), after_raw_write is not None))
    return ours, process


def _serve(conn: Connection, after_raw_write: Callable[[], None] | None) -> Outcome | None:
    """Handle one message of a child: run the hook for it (None), or take its outcome."""
    try:
        kind, payload = conn.recv()
    except EOFError:
        return ChildDiedError()
    if kind == HOOK:
        conn.send(_hook_verdict(after_raw_write))
        return None
    if kind == DONE:
        return payload
    return _rebuilt(payload)


def _hook_verdict(after_raw_write: Callable[[], None] | None) -> BaseException | None:
    try:
        if after_raw_write is not None:
            after_raw_write()
    except Exception as exc:  # raised in the child, where ingestion stopped
        return sendable(exc)
    return None


def _rebuilt(chain: list[BaseException]) -> BaseException:
    """The child's error with its causes linked again, the child's traceback last."""
    for error, cause in itertools.pairwise(chain):
        error.__cause__ = cause
    return chain[0]

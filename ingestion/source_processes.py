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
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from ingestion.erased_rows import NO_ERASURES, ErasedRows
from ingestion.load_log import FileLoad
from ingestion.sources import Source, ingest

# Spawned, not forked: the parent is a Dagster process with threads of its own, and a fork
# copies their locks in whatever state they are.
_CONTEXT = multiprocessing.get_context("spawn")
_PR_SET_PDEATHSIG = 1

Outcome = list[FileLoad] | BaseException
"""A source's loads, or the error that stopped it (raised in its child, rebuilt here)."""


class ChildDiedError(RuntimeError):
    """A source's process ended without saying how (killed by a signal, out of memory)."""


class RemoteTracebackError(Exception):
    """The child's traceback, as text, and the line that raised: the cause of a rebuilt error."""

    def __init__(self, text: str, raised_at: str) -> None:
        super().__init__(text)
        self.raised_at = raised_at

    def __reduce__(self):
        return (RemoteTracebackError, (self.args[0], self.raised_at))


def ingest_in_processes(
    sources: Sequence[Source],
    landing_dir: Path,
    raw_dir: Path,
    *,
    processes: int,
    after_raw_write: Callable[[], None] | None = None,
    erased: ErasedRows = NO_ERASURES,
) -> dict[str, Outcome]:
    """`ingest` each source in a child, `processes` at a time; every source's outcome by name.

    A source that fails does not stop the others: each finishes its own files, so every file is
    loaded and logged or untouched. The caller decides what a failure means.
    """
    pending = list(sources)
    running: dict[Connection, tuple[str, BaseProcess]] = {}
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
                process.join()
                if isinstance(outcome, ChildDiedError):
                    outcome = ChildDiedError(
                        f"the process ingesting {name} ended before it finished "
                        f"(exit code {process.exitcode}: killed, out of memory?)"
                    )
                outcomes[name] = outcome
    finally:
        for _, process in running.values():  # left only by an error here (an interrupt)
            process.kill()
            process.join()
    return {source.name: outcomes[source.name] for source in sources}


def _start(
    source: Source,
    landing_dir: Path,
    raw_dir: Path,
    erased: ErasedRows,
    after_raw_write: Callable[[], None] | None,
) -> tuple[Connection, BaseProcess]:
    ours, theirs = _CONTEXT.Pipe()
    process = _CONTEXT.Process(
        target=_child,
        args=(source, landing_dir, raw_dir, erased, after_raw_write is not None, theirs),
        name=f"c360-ingest-{source.name}",
    )
    process.start()
    theirs.close()  # the child's end: its death then reads as end-of-file here
    return ours, process


def _serve(conn: Connection, after_raw_write: Callable[[], None] | None) -> Outcome | None:
    """Handle one message of a child: run the hook for it (None), or take its outcome."""
    try:
        kind, payload = conn.recv()
    except EOFError:
        return ChildDiedError()
    if kind == _HOOK:
        conn.send(_hook_verdict(after_raw_write))
        return None
    if kind == _DONE:
        return payload
    return _rebuilt(payload)


def _hook_verdict(after_raw_write: Callable[[], None] | None) -> BaseException | None:
    try:
        if after_raw_write is not None:
            after_raw_write()
    except Exception as exc:  # raised in the child, where ingestion stopped
        return _sendable(exc)
    return None


# The child's side.

_HOOK, _DONE, _FAILED = "hook", "done", "failed"


class _HookInParent:
    """`after_raw_write` in a child: ask the parent to run the hook, raise what it raised."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def __call__(self) -> None:
        self._conn.send((_HOOK, None))
        verdict = self._conn.recv()
        if verdict is not None:
            raise verdict


def _child(
    source: Source,
    landing_dir: Path,
    raw_dir: Path,
    erased: ErasedRows,
    hooked: bool,
    conn: Connection,
) -> None:
    _die_with_parent()
    try:
        hook = _HookInParent(conn) if hooked else None
        loads = ingest(source, landing_dir, raw_dir, after_raw_write=hook, erased=erased)
    except BaseException as exc:  # every error goes to the parent, which reports it
        conn.send((_FAILED, [_sendable(e) for e in error_chain(exc)] + [_traceback_of(exc)]))
    else:
        conn.send((_DONE, loads))
    finally:
        conn.close()


def _die_with_parent() -> None:
    """Have the kernel kill this child when its parent dies (Linux).

    No orphan then goes on writing the raw area after a refresh was killed and its lock freed.
    """
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before the request took effect
            os._exit(1)


def error_chain(exc: BaseException) -> Iterator[BaseException]:
    """The error and the ones it was raised from, each once (pickling keeps none of the links)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _sendable(exc: BaseException) -> BaseException:
    """The error itself when it survives pickling, else a RuntimeError saying what it was."""
    try:
        return pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _traceback_of(exc: BaseException) -> RemoteTracebackError:
    frames = traceback.extract_tb(exc.__traceback__)
    raised_at = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"
    return RemoteTracebackError("".join(traceback.format_exception(exc)), raised_at)


def _rebuilt(chain: list[BaseException]) -> BaseException:
    """The child's error with its causes linked again, the child's traceback last."""
    for error, cause in itertools.pairwise(chain):
        error.__cause__ = cause
    return chain[0]

"""The child's side of `source_processes`: one source's ingestion, in a process of its own.

This module imports nothing but the standard library, and the child unpickles its work (which
imports Polars) only after setting the allocator up: Polars' jemalloc reads its settings once,
when Polars is loaded. A child keeps the pages it freed for its next allocation
(`dirty_decay_ms:-1,muzzy_decay_ms:-1`) instead of returning them to the kernel, which then
zeroes fresh pages for the next file's buffers (docs/benchmarks.md has what it saves). Unusable
in the refresh's own process, which would keep ingestion's high-water mark while dbt builds; a
child ends and gives everything back.

The setting is appended to `_RJEM_MALLOC_CONF` as the child inherited it, never replacing it:
Polars' import writes its own defaults there (decay after 0.5 and 1 s) followed by what the
variable held, and the parent has imported Polars, so the inherited value holds Polars' defaults
and any setting of the user's; jemalloc takes the last value of each option.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection

CHILD_MODULE = "ingestion.source_child"
HOOK, DONE, FAILED = "hook", "done", "failed"
JEMALLOC_ENV = "_RJEM_MALLOC_CONF"
KEEP_FREED_PAGES = "dirty_decay_ms:-1,muzzy_decay_ms:-1"
_PR_SET_PDEATHSIG = 1


class RemoteTracebackError(Exception):
    """The child's traceback, as text, and the line that raised: the cause of a rebuilt error."""

    def __init__(self, text: str, raised_at: str) -> None:
        super().__init__(text)
        self.raised_at = raised_at

    def __reduce__(self):
        return (RemoteTracebackError, (self.args[0], self.raised_at))


class HookInParent:
    """`after_raw_write` in a child: ask the parent to run the hook, raise what it raised."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def __call__(self) -> None:
        """Wait for the parent's verdict on the hook; raise its error here, where ingestion is."""
        self._conn.send((HOOK, None))
        verdict = self._conn.recv()
        if verdict is not None:
            raise verdict


def main(argv: list[str]) -> None:
    """`python -m ingestion.source_child <fd> <parent pid> <source>`: the work comes on `fd`."""
    conn = Connection(int(argv[0]))
    _die_with_parent(int(argv[1]))
    work, hooked = conn.recv()
    run_child(work, hooked, conn)


def run_child(work: bytes, hooked: bool, conn: Connection) -> None:
    """Ingest one source (`work`: the pickled arguments of `ingest`); send back its outcome."""
    inherited = os.environ.get(JEMALLOC_ENV)
    os.environ[JEMALLOC_ENV] = f"{inherited},{KEEP_FREED_PAGES}" if inherited else KEEP_FREED_PAGES
    try:
        from ingestion.sources import ingest

        source, landing_dir, raw_dir, erased = pickle.loads(work)
        hook = HookInParent(conn) if hooked else None
        loads = ingest(source, landing_dir, raw_dir, after_raw_write=hook, erased=erased)
    except BaseException as exc:  # every error goes to the parent, which reports it
        conn.send((FAILED, [sendable(e) for e in error_chain(exc)] + [_traceback_of(exc)]))
    else:
        conn.send((DONE, loads))
    finally:
        conn.close()


def _die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this child when its parent dies (Linux).

    No orphan then goes on writing the raw area after a refresh was killed and its lock freed.
    """
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def error_chain(exc: BaseException) -> Iterator[BaseException]:
    """The error and the ones it was raised from, each once (pickling keeps none of the links)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def sendable(exc: BaseException) -> BaseException:
    """The error itself when it survives pickling, else a RuntimeError saying what it was."""
    try:
        return pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _traceback_of(exc: BaseException) -> RemoteTracebackError:
    frames = traceback.extract_tb(exc.__traceback__)
    raised_at = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"
    return RemoteTracebackError("".join(traceback.format_exception(exc)), raised_at)


if __name__ == "__main__":
    # Run as the module's own name, not `__main__`: the errors it sends back are unpickled in the
    # parent by their module's name.
    from ingestion.source_child import main as _main

    _main(sys.argv[1:])

"""One refresh at a time: an exclusive advisory lock on a file next to the warehouse.

DuckDB already refuses a second read-write process on the build file, but only once the second
one has started writing; taking this lock first makes a concurrent refresh fail fast with a
message that says why. The lock is `flock`: the kernel releases it when the holder dies, even by
SIGKILL, so a killed refresh never leaves a stale lock behind (the pid written in the file is
for the error message only). It is re-entrant within a process: `c360 refresh` holds it for the
whole run and the steps that write take it again.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_held: Counter[Path] = Counter()
_guard = threading.Lock()


class RefreshInProgressError(RuntimeError):
    """Another process holds the refresh lock."""


def holds_refresh_lock(path: Path) -> bool:
    """Whether this process holds the lock at `path`."""
    return _held[path.resolve()] > 0


@contextmanager
def refresh_lock(path: Path) -> Iterator[None]:
    """Hold the exclusive refresh lock for the duration of the block."""
    key = path.resolve()
    with _guard:
        if _held[key]:
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RefreshInProgressError(
                f"another refresh is running (lock {path} held by pid {holder})"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        with _guard:
            _held[key] += 1
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)

"""One refresh at a time: an exclusive advisory lock on a file next to the warehouse.

DuckDB already refuses a second read-write process on the build file, but only once the second
one has started writing; taking this lock first makes a concurrent refresh fail fast with a
message that says why.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RefreshInProgressError(RuntimeError):
    """Another process holds the refresh lock."""


@contextmanager
def refresh_lock(path: Path) -> Iterator[None]:
    """Hold the exclusive refresh lock for the duration of the block."""
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
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)

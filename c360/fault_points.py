"""Named points where a refresh can be made to die, or to raise, on purpose, for the fault tests.

`C360_KILL_AT=<point>` (or `<point>@<n>`, the n-th time the point is reached) makes the process
SIGKILL itself there: no cleanup, no `finally`, no atexit, exactly like the OOM killer or a power
cut. When the process leads its own process group (the test starts it so), the whole group dies,
dbt's child process included.

`C360_RAISE_AT=<point>` makes the point raise an exception every time it is reached (a
deterministic error: a bug, a reader that refuses a file); `<point>@<n>` raises only the n-th time
(a passing trouble). `C360_RAISE_ERROR=lock` raises the error DuckDB gives when another process
holds a file (transient), anything else a plain `InjectedFaultError`. Unset, a point costs two
dictionary lookups.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

import duckdb

KILL_AT_ENV = "C360_KILL_AT"
RAISE_AT_ENV = "C360_RAISE_AT"
RAISE_ERROR_ENV = "C360_RAISE_ERROR"

INGESTION_AFTER_RAW_WRITE = "ingestion:after_raw_write"
DBT_BUILD_RUNNING = "dbt_build:running"
PUBLISH_BEFORE_RENAME = "publish:before_rename"
PUBLISH_BEFORE_SWITCH = "publish:before_switch"
POSTGRES_DURING_LOAD = "postgres:during_load"

_reached: Counter[str] = Counter()
_raised: Counter[str] = Counter()


class InjectedFaultError(RuntimeError):
    """The deterministic error `C360_RAISE_AT` raises."""


def fault_point(name: str) -> None:
    """Die or raise here when `C360_KILL_AT` or `C360_RAISE_AT` names this point."""
    _raise_if_armed(name)
    wanted = os.environ.get(KILL_AT_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition("@")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] < int(nth or 1):
        return
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def _raise_if_armed(name: str) -> None:
    wanted = os.environ.get(RAISE_AT_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition("@")
    if point != name:
        return
    _raised[name] += 1
    if nth and _raised[name] != int(nth):
        return
    if os.environ.get(RAISE_ERROR_ENV) == "lock":
        raise duckdb.IOException(
            f'IO Error: Could not set lock on file "{name}": Conflicting lock is held '
            "(injected by C360_RAISE_AT)"
        )
    raise InjectedFaultError(f"injected fault at {name} (C360_RAISE_AT)")

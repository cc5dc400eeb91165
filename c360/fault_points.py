"""Named points where a refresh can be made to die on purpose, for the fault tests.

`C360_KILL_AT=<point>` (or `<point>@<n>`, the n-th time the point is reached) makes the process
SIGKILL itself there: no cleanup, no `finally`, no atexit, exactly like the OOM killer or a power
cut. When the process leads its own process group (the test starts it so), the whole group dies,
dbt's child process included. Unset, a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

KILL_AT_ENV = "C360_KILL_AT"

INGESTION_AFTER_RAW_WRITE = "ingestion:after_raw_write"
DBT_BUILD_RUNNING = "dbt_build:running"
PUBLISH_BEFORE_RENAME = "publish:before_rename"
PUBLISH_BEFORE_SWITCH = "publish:before_switch"

_reached: Counter[str] = Counter()


def fault_point(name: str) -> None:
    """Die here when `C360_KILL_AT` names this point (and its count is reached)."""
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

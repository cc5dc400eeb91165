"""Whether a process is alive, by its id: one answer for every caller that holds a pid."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """True while process `pid` exists, whoever it belongs to.

    Signal 0 checks without sending anything. A process of another user answers with
    PermissionError: it exists. Ids 0 and below name process groups, never one process.
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

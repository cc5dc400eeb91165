"""A full disk: how it shows, and what to tell whoever meets it.

One home for the rule, used by the command line (an `OSError` anywhere in a command) and by
the refresh's steps (a database error whose message ends with the operating system's reason).
"""

from __future__ import annotations

import errno

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
DISK_FULL_MESSAGES = ("No space left on device", "Disk quota exceeded")
DISK_FULL_REMEDY = "free space on it, or move C360_HOME to a larger one"


def says_disk_full(text: str) -> bool:
    """`text` (an error's message) gives a full disk as its reason."""
    return any(message in text for message in DISK_FULL_MESSAGES)

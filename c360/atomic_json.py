"""Replace a small JSON record atomically: a reader sees the old file or the new one, never half.

The refresh record, the build state, the verified files and the PostgreSQL state are each read
by another process (`c360 status`, the next refresh, the sensors) while one may be writing them,
and a process can be killed mid-write. Writing a temporary file beside the target and renaming
it over the target is atomic on POSIX file systems.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any


def write_json_atomically(
    target: Path, value: Any, *, indent: int = 2, sort_keys: bool = False
) -> None:
    """Write `value` as JSON to `target` through a uniquely named file in the same folder.

    The name is unique so that two writers never share a temporary file; values JSON cannot
    hold (dates, paths) are written as their text.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    try:
        tmp.write_text(json.dumps(value, indent=indent, sort_keys=sort_keys, default=str))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)

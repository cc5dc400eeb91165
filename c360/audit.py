"""The audit log: who did what and when, one JSON object per line, only ever appended to.

It lives in `<C360_HOME>/audit/audit.jsonl` (`Settings.audit_log`), outside the landing, raw,
warehouse and serving folders a refresh writes, so no refresh or rollback rewrites it. Every
entry is written under an exclusive `flock` on the file itself, whole line and `fsync` at once:
Streamlit serves each session on its own thread and the CLI (`c360 subject erase`) is another
process, and a line written by two writers at once would be two half lines. Reading takes the
same lock shared, so a reader never sees a line being written.

Entries: `at` (UTC, ISO 8601), `who`, `action`, then the action's details. Actions written by
the product: `sign-in` (with `role`), `role-change` (`role`, `previous_role`), `sign-out`,
`page` (`page`), `sql` (`sql`, `rows`), `download` (`file`, `rows`) and `erasure` (written by
the subject commands through `record`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from c360.settings import Settings

SIGN_IN = "sign-in"
SIGN_OUT = "sign-out"
ROLE_CHANGE = "role-change"
PAGE = "page"
SQL = "sql"
DOWNLOAD = "download"
ERASURE = "erasure"

RESERVED = ("at", "who", "action")


@contextmanager
def _locked(path: Path, lock: int) -> Iterator[IO[str]]:
    """The log opened for reading and appending, held under `lock` (LOCK_EX or LOCK_SH)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, lock)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _entry(who: str, action: str, detail: dict[str, object]) -> dict[str, object]:
    clash = [key for key in RESERVED if key in detail]
    if clash:
        raise ValueError(f"audit detail cannot be named {', '.join(clash)}")
    at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    return {"at": at, "who": who, "action": action, **detail}


def _append(handle: IO[str], entries: list[dict[str, object]]) -> None:
    handle.seek(0, os.SEEK_END)
    handle.write("".join(json.dumps(e, default=str, ensure_ascii=False) + "\n" for e in entries))
    handle.flush()
    os.fsync(handle.fileno())


def _read(handle: IO[str]) -> Iterator[dict[str, object]]:
    handle.seek(0)
    for line in handle:
        if line.strip():
            yield json.loads(line)


def record(settings: Settings, *, who: str, action: str, **detail: object) -> None:
    """Append one entry: `who` did `action` now, with `detail` (JSON-serialisable values)."""
    entry = _entry(who, action, detail)
    with _locked(settings.audit_log, fcntl.LOCK_EX) as handle:
        _append(handle, [entry])


def record_sign_in(settings: Settings, *, who: str, role: str | None, sign_in_id: str) -> bool:
    """Record a sign-in once, and a role change when the role differs from the last sign-in's.

    Streamlit has no sign-in event: every new browser session of a signed-in person (a reload,
    a second tab) looks the same. `sign_in_id` names one sign-in at the identity provider (a
    hash of the ID token's subject, issue time and nonce), so only its first session records
    it. The check and the append hold the same lock: two tabs opened at once record it once.
    Returns whether it was recorded.
    """
    with _locked(settings.audit_log, fcntl.LOCK_EX) as handle:
        previous: dict[str, object] | None = None
        for entry in _read(handle):
            if entry.get("action") != SIGN_IN or entry.get("who") != who:
                continue
            if entry.get("sign_in_id") == sign_in_id:
                return False
            previous = entry
        entries = [_entry(who, SIGN_IN, {"role": role, "sign_in_id": sign_in_id})]
        if previous is not None and previous.get("role") != role:
            entries.append(
                _entry(who, ROLE_CHANGE, {"role": role, "previous_role": previous.get("role")})
            )
        _append(handle, entries)
    return True


def entries(
    settings: Settings, *, since: dt.datetime | None = None, user: str | None = None
) -> list[dict[str, object]]:
    """The log's entries, oldest first, from `since` (UTC when naive) and of `user` only."""
    if not settings.audit_log.exists():
        return []
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    with _locked(settings.audit_log, fcntl.LOCK_SH) as handle:
        found = list(_read(handle))
    return [
        entry
        for entry in found
        if (user is None or entry.get("who") == user)
        and (since is None or dt.datetime.fromisoformat(str(entry["at"])) >= since)
    ]


def render(found: list[dict[str, object]]) -> str:
    """One line per entry: time, who, action, then the details as key=value."""
    lines = []
    for entry in found:
        detail = " ".join(
            f"{key}={json.dumps(value, ensure_ascii=False)}"
            for key, value in entry.items()
            if key not in RESERVED
        )
        lines.append(f"{entry['at']}  {entry['who']}  {entry['action']}  {detail}".rstrip())
    return "\n".join(lines)

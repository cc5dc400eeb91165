"""Whether a published version is intact, and the message a reader gets when it is not.

A serving file can be damaged after publication: a disk that fills while it is copied, a backup
restored half-way, a stray write. DuckDB notices some of it (a short file when a query reaches the
missing blocks, a block whose checksum does not match when it is read) and none of it on open: a
file cut in half answered `select count(*)` on its first blocks when it was tried. So publishing
records each version's size and SHA-256 in the serving history; every reader compares the size
(a `stat`, free) before opening, `c360 status` and `c360 rollback` compare the hash too (about a
second per GB), and a DuckDB error that means damage becomes a `DamagedVersionError` that names
the file and says what to do, instead of a traceback.

A refresh with nothing new checks the published files too, and it runs often (a scheduler, a
sensor): there the hash of a file is skipped while the file is untouched since it last passed the
check (`check_intact_unless_untouched`), so that refresh stays a second or two at any size.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from c360.atomic_json import write_json_atomically
from c360.settings import Settings

HISTORY_FILE = "history.jsonl"
# DuckDB's words for a file that is not what it was written as (checked on DuckDB 2.0).
DAMAGE_MESSAGES = (
    "Could not read enough bytes",  # cut short
    "not a valid DuckDB database file",  # header overwritten, or emptied
    "Corrupt database file",  # a block whose checksum does not match
    "does not match stored checksum",
)


class DamagedVersionError(RuntimeError):
    """A published version's file is damaged: readers cannot use it."""


def damaged(path: Path, reason: str) -> DamagedVersionError:
    """The error readers get: the file, what is wrong, and the two ways out."""
    return DamagedVersionError(
        f"the published warehouse file {path} is damaged ({reason}). Run `c360 rollback` to "
        "return readers to the previous version, or `c360 refresh` to publish a new one."
    )


def fingerprint(path: Path) -> dict[str, int | str]:
    """Size and SHA-256 of a version's file, as publishing records them."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def history_entries(serving_dir: Path) -> list[dict]:
    """Every switch of `current` recorded in the history, oldest first."""
    history = serving_dir / HISTORY_FILE
    if not history.exists():
        return []
    entries = []
    for line in history.read_text().splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:  # a line cut short by a kill mid-write
            continue
    return entries


def recorded_fingerprint(settings: Settings, path: Path) -> dict | None:
    """Size and hash recorded when `path` was published (None for versions published before).

    A version's copy with personal data (`restricted/<name>`) has its record under `restricted`
    in the same history entry.
    """
    restricted = path.parent == settings.restricted_serving_dir
    for entry in reversed(history_entries(settings.serving_dir)):
        if entry.get("version") == path.name and "sha256" in entry:
            return entry.get("restricted") if restricted else entry
    return None


def check_size(settings: Settings, path: Path) -> None:
    """Raise `DamagedVersionError` when the file is not the size it was published with."""
    recorded = recorded_fingerprint(settings, path)
    size = path.stat().st_size
    if recorded is not None and size != recorded["bytes"]:
        raise damaged(path, f"{size:,} bytes where {recorded['bytes']:,} were published")


def check_intact(settings: Settings, path: Path) -> None:
    """Raise `DamagedVersionError` unless size and SHA-256 equal those recorded at publication."""
    check_size(settings, path)
    recorded = recorded_fingerprint(settings, path)
    if recorded is not None and fingerprint(path)["sha256"] != recorded["sha256"]:
        raise damaged(path, "its content differs from what was published")


def _untouched_signature(path: Path) -> list[int]:
    """What `stat` says that any write, replacement or change of times of the file moves.

    A write in place that keeps the size and puts the modification time back still moves the
    change time (`st_ctime`), which no call can set; a file replaced by another has a new inode.
    """
    st = path.stat()
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _read_verified(settings: Settings) -> dict[str, dict]:
    try:
        verified = json.loads(settings.verified_files.read_text())
    except (FileNotFoundError, ValueError):  # none yet, or cut short: hash again
        return {}
    return verified if isinstance(verified, dict) else {}


def _write_verified(settings: Settings, verified: dict[str, dict]) -> None:
    write_json_atomically(settings.verified_files, verified, indent=1)


def check_intact_unless_untouched(settings: Settings, path: Path) -> None:
    """`check_intact`, without the hash when the file is untouched since it last passed it.

    Why: hashing takes about a second per GB (1.7 s of the 2.9 s of a refresh with nothing new at
    100,000 customers), so a check that hashes every time grows with the warehouse. Untouched is
    judged by `stat` (`_untouched_signature`), recorded in `settings.verified_files` when the hash
    last matched the one published; damage below the file system (a disk's bit rot) does not
    show there, and DuckDB's block checksums name it when a reader reaches it (`damage_named`).
    The record is replaced atomically: two checks at once (a schedule's and a refresh's) at worst
    both hash.
    """
    recorded = recorded_fingerprint(settings, path)
    if recorded is None:  # published before hashes were recorded: nothing to compare
        return
    verified = _read_verified(settings)
    passed = {"sha256": recorded["sha256"], "stat": _untouched_signature(path)}
    if verified.get(str(path)) == passed:
        return
    check_intact(settings, path)
    kept = {name: entry for name, entry in verified.items() if Path(name).exists()}
    _write_verified(settings, {**kept, str(path): passed})


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error means the file itself is damaged (not a wrong query)."""
    return isinstance(exc, duckdb.Error) and any(m in str(exc) for m in DAMAGE_MESSAGES)


@contextmanager
def damage_named(path: Path) -> Iterator[None]:
    """Turn a DuckDB error that means damage into a `DamagedVersionError` naming `path`."""
    try:
        yield
    except duckdb.Error as exc:
        if is_damage(exc):
            raise damaged(path, str(exc).strip().splitlines()[0]) from exc
        raise

"""Open the published warehouse the way every reader should: resolved pointer, read-only, sandboxed.

Readers resolve the `current` symlink and open the file it names (not the link): inside one process
DuckDB may hand back an already-open database for the same path with old contents. The sandbox
(read-only file, no external access, local filesystem disabled, configuration locked, in that
order) is what held against DETACH + read-write ATTACH escapes when it was tried. Those settings
belong to the database instance, which DuckDB shares between connections of one process to the
same file: a second connection finds the configuration already locked (setting it again raises),
so the sandbox is applied once per instance, under a lock (eight reader threads during a
publication raised "the configuration has been locked" on most reads before this). A file whose
size differs from the one published, or that DuckDB finds damaged on open, raises
`DamagedVersionError` naming it (c360.version_integrity).
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from c360.settings import Settings
from c360.version_integrity import check_size, damage_named

PUBLIC_SCHEMAS: tuple[str, ...] = ("marts", "quality")
META_SCHEMA = "meta"
_sandboxing = threading.Lock()


class NoPublishedVersionError(RuntimeError):
    """Nothing has been published yet: there is no warehouse for readers."""


def resolve_current(settings: Settings) -> Path:
    """The published DuckDB file `current` points at."""
    pointer = settings.current_pointer
    if not pointer.is_symlink() and not pointer.exists():
        raise NoPublishedVersionError(
            f"no published warehouse at {pointer}: run `c360 refresh` (or `make demo`) first"
        )
    return pointer.resolve(strict=True)


def connect_readonly(settings: Settings, path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A sandboxed read-only connection to the published version (or to `path`)."""
    target = path or resolve_current(settings)
    check_size(settings, target)
    with _sandboxing, damage_named(target):
        con = duckdb.connect(str(target), read_only=True, config={"enable_external_access": False})
        [(locked,)] = con.execute("select current_setting('lock_configuration')").fetchall()
        if not locked:  # fetchall: a result left unfetched blocks the connection's next query
            con.execute("set disabled_filesystems = 'LocalFileSystem'")
            con.execute("set lock_configuration = true")
    return con


def published_version(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The publication record of an open serving database (version, time, counts)."""
    cursor = con.execute(f"select * from {META_SCHEMA}.publication")
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else {}

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

Each version is a pair (c360.publish): the file `current` names, in which every personal-data
column is masked, and its copy with personal data under `restricted/`, which only readers allowed
to see personal data open. One pointer names both, so a switch moves the pair at once.

Readers are limited so that one query cannot starve the server: the memory limit
(`C360_READER_MEMORY`) is set before the configuration is locked (DuckDB's default is 80 % of RAM,
18.8 GiB on a 24 GB machine), and it holds for the whole instance, so every cursor a process
opens on one version shares it. DuckDB has no statement timeout: `reader_limits` starts a timer
that calls `interrupt()` on the connection after `C360_READER_TIMEOUT` seconds, and turns the
interruption and an out-of-memory error into a message that says which limit stopped the query.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from c360.settings import Settings
from c360.version_integrity import check_size, damage_named

PUBLIC_SCHEMAS: tuple[str, ...] = ("marts", "quality")
META_SCHEMA = "meta"
_sandboxing = threading.Lock()
# No spilling to disk: with the local filesystem disabled, an operator that tried to spill failed
# with "LocalFileSystem has been disabled"; without a temporary folder it fails as out of memory,
# which `reader_limits` names. (Once external access is off, temp_directory cannot be set.)
_READER_CONFIG = {"enable_external_access": False, "temp_directory": ""}


class NoPublishedVersionError(RuntimeError):
    """Nothing has been published yet: there is no warehouse for readers."""


class QueryStoppedError(RuntimeError):
    """A reader's query hit one of the reader limits and was stopped."""


class QueryTimeoutError(QueryStoppedError):
    """The query ran longer than the reader time limit and was interrupted."""


class QueryMemoryError(QueryStoppedError):
    """The query needed more memory than the reader memory limit."""


def what_readers_keep(settings: Settings) -> str:
    """What readers see after a refresh that published nothing: the last version, if any.

    Said by `c360 refresh` and `c360 status` after a failed or killed refresh: before the
    first publication there is no version for readers to keep.
    """
    pointer = settings.current_pointer
    if pointer.is_symlink() or pointer.exists():
        return "readers keep the previously published version"
    return "nothing is published yet: readers have no warehouse until a refresh succeeds"


def resolve_current(settings: Settings, *, personal_data: bool = False) -> Path:
    """The published DuckDB file `current` points at: masked, or with personal data if asked."""
    pointer = settings.current_pointer
    if not pointer.is_symlink() and not pointer.exists():
        raise NoPublishedVersionError(
            f"no published warehouse at {pointer}: run `c360 refresh` (or `make demo`) first"
        )
    public = pointer.resolve(strict=True)
    if not personal_data:
        return public
    restricted = restricted_copy(settings, public)
    if not restricted.exists():
        raise NoPublishedVersionError(
            f"the published version {public.name} has no copy with personal data at "
            f"{restricted} (it was published before personal data was kept apart, or this "
            "account may not read that folder): run `c360 refresh` to publish the pair"
        )
    return restricted


def restricted_copy(settings: Settings, public: Path) -> Path:
    """The copy with personal data of the published version file `public`."""
    return settings.restricted_serving_dir / public.name


def connect_readonly(settings: Settings, path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A sandboxed read-only connection to the published version (or to `path`)."""
    target = path or resolve_current(settings)
    check_size(settings, target)
    with _sandboxing, damage_named(target):
        con = duckdb.connect(str(target), read_only=True, config=_READER_CONFIG)
        [(locked,)] = con.execute("select current_setting('lock_configuration')").fetchall()
        if not locked:  # fetchall: a result left unfetched blocks the connection's next query
            con.execute("set memory_limit = ?", [settings.reader_memory])
            con.execute("set disabled_filesystems = 'LocalFileSystem'")
            con.execute("set lock_configuration = true")
    return con


@contextmanager
def reader_limits(
    con: duckdb.DuckDBPyConnection, settings: Settings, seconds: float | None = None
) -> Iterator[float]:
    """Run the block's queries on `con` under the reader time limit (or `seconds`, if shorter).

    Yields the time limit in force. `con` should be a connection of its own (a `cursor()`):
    `interrupt()` stops whatever that connection is running.
    """
    limit = settings.reader_timeout_seconds
    if seconds is not None:
        limit = min(limit, seconds)
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        con.interrupt()

    timer = threading.Timer(limit, stop)
    timer.daemon = True
    timer.start()
    try:
        yield limit
    except duckdb.InterruptException as exc:
        if timed_out.is_set():
            which = (
                "the reader time limit, C360_READER_TIMEOUT"
                if limit == settings.reader_timeout_seconds
                else "the time limit asked for"
            )
            raise QueryTimeoutError(f"query stopped after {limit:g} s ({which})") from exc
        raise
    except duckdb.OutOfMemoryException as exc:
        raise QueryMemoryError(
            f"query stopped: it needed more than {settings.reader_memory} of memory (the reader "
            "memory limit, C360_READER_MEMORY)"
        ) from exc
    finally:
        timer.cancel()


def published_version(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The publication record of an open serving database (version, time, counts)."""
    cursor = con.execute(f"select * from {META_SCHEMA}.publication")
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else {}

"""The build's two DuckDB files as one connection, the way dbt sees them.

A refresh writes the internal schemas (staging, intermediate, reference) into `build.duckdb`
and the public ones (marts, quality) into `public.duckdb`, attached as `public_marts`
(dbt/profiles.yml). Tests, benchmarks and whoever debugs a build want to join across both with
the schema names they know (`staging.x`, `marts.y`); readers never use this: they open a
published version (c360/serving.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from c360.serving import PUBLIC_SCHEMAS
from c360.settings import PUBLIC_DB_ALIAS, Settings
from c360.settings_values import MEMORY_SIZE
from c360.sql_text import sql_literal


def connect_build(settings: Settings, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the build file with the public file attached; `marts.x` and `staging.y` both resolve.

    Read-only by default: a refresh holds both files read-write while it builds.
    """
    mode = " (read_only)" if read_only else ""
    con = duckdb.connect(str(settings.build_db), read_only=read_only)
    apply_build_settings(con, settings)
    con.execute(f"attach {sql_literal(settings.public_db)} as {PUBLIC_DB_ALIAS}{mode}")
    build = con.execute("select current_database()").fetchone()[0]
    public = con.execute(
        "select schema_name from duckdb_schemas() where database_name = ? and schema_name in "
        f"({', '.join('?' for _ in PUBLIC_SCHEMAS)}) order by schema_name",
        [PUBLIC_DB_ALIAS, *PUBLIC_SCHEMAS],
    ).fetchall()
    path = ",".join([f"{build}.main", *(f"{PUBLIC_DB_ALIAS}.{schema}" for (schema,) in public)])
    con.execute(f"set search_path = {sql_literal(path)}")
    return con


def apply_build_settings(
    con: duckdb.DuckDBPyConnection, settings: Settings, memory_limit: str | None = None
) -> None:
    """Give `con` the build's memory limit, threads and spill folder (Settings.build_*).

    For connections that run the build's heavy queries outside dbt (which takes them from its
    profile): without them DuckDB takes 80 % of RAM per process. Set on the open connection, not
    as `duckdb.connect(config=...)`: a second connection to a file already open in the process
    with another configuration is refused. The spill folder is left alone when the connection
    already uses it: DuckDB refuses to set it again once something has spilled. `memory_limit`
    replaces the build's (a second instance's share: `half_memory_limit`).
    """
    wanted = settings.build_duckdb_settings()
    settings.build_spill_dir.parent.mkdir(parents=True, exist_ok=True)
    [(spill,)] = con.execute("select current_setting('temp_directory')").fetchall()
    if spill != wanted["temp_directory"]:
        con.execute("set temp_directory = ?", [wanted["temp_directory"]])
    del wanted["temp_directory"]
    wanted["memory_limit"] = memory_limit or wanted["memory_limit"]
    for key, value in wanted.items():
        con.execute(f"set {key} = ?", [value])


def half_memory_limit(limit: str) -> str | None:
    """Half of a DuckDB size such as `4GB` (`2GB`), in its own unit; None for any other value.

    Why: the build's process can hold two DuckDB instances at once, the build's connection and
    the in-memory one Splink scores identity pairs in (identity.probabilistic). Each with the
    whole limit, their sum is twice what `C360_BUILD_MEMORY_LIMIT` says: at 1,000,000 customers
    the dbt process reached 8.1 GB under a 4GB limit, during identity resolution. While both are
    open each takes half (`sharing_memory`), so the setting bounds them together.
    """
    size = MEMORY_SIZE.match(limit)
    if size is None:
        return None
    return f"{float(size.group(1)) / 2:g}{size.group(2)}"


_STEP_LOCKS: dict[str, threading.Lock] = {}
_STEP_LOCKS_GUARD = threading.Lock()


def _step_lock(settings: Settings) -> threading.Lock:
    """The lock of the build file's Python steps: one per DuckDB instance, i.e. per build file."""
    with _STEP_LOCKS_GUARD:
        return _STEP_LOCKS.setdefault(str(settings.build_db), threading.Lock())


@contextmanager
def sharing_memory(
    con: duckdb.DuckDBPyConnection, settings: Settings | None = None
) -> Iterator[None]:
    """One Python step at a time beside the build's DuckDB, which runs at half its limit meanwhile.

    A Python step holds memory no DuckDB limit bounds: identity resolution scores pairs in a
    DuckDB instance of its own (given the other half), and the CLV models hold the invoice lines
    as Polars frames. At 1,000,000 customers `int_clv_holdout` and `int_customer_clv`, started
    together on dbt's two threads, took the dbt process to 8,877 MiB, against 5,400 MiB taking
    turns (docs/benchmarks.md). So a step waits here until the one before has left: the steps'
    memory is one step's, whatever dbt schedules, and the build's connection (`con`, the limit
    is its whole instance's) is at half for each. Lowering the limit makes DuckDB evict cached
    blocks down to it; the build's other dbt thread, if it runs a SQL model meanwhile, spills
    sooner. A limit that is not a plain size (`half_memory_limit`) is left as it is; the steps
    still take turns.
    """
    settings = settings or Settings.from_env()
    half = half_memory_limit(settings.build_memory_limit)
    with _step_lock(settings):
        if half is None:
            yield
            return
        con.execute("set memory_limit = ?", [half])
        try:
            yield
        finally:
            con.execute("set memory_limit = ?", [settings.build_memory_limit])

"""The PostgreSQL publish target: each published version loaded, then switched in by a schema swap.

Off unless `C360_POSTGRES_URL` is set. After the DuckDB publication (c360.publish), the version
`current` names is loaded into PostgreSQL in three steps:

1. **Load**, in one transaction, into new schemas named after the version (`marts__v<version>`,
   `quality__v...`, `meta__v...` from the masked file; `marts_restricted__v...` with the tables
   that hold personal data, from the copy with personal data), by `c360.postgres_copy`: DuckDB's
   `postgres` extension would be faster to write but is downloaded at run time (`INSTALL
   postgres` fails here without network). `COPY` runs with `FREEZE` (allowed: each table was
   created in the same transaction): a reader in a REPEATABLE READ transaction whose snapshot
   predates the load would otherwise find the new tables empty after the swap, and nothing
   rewrites the rows later to set their hint bits.
2. **Swap**, in one short transaction: ACCESS EXCLUSIVE locks on every table of the schemas in
   service, the old schemas renamed to `<name>__retired`, the new ones to their public names.
   Renaming a schema alone would not do: PostgreSQL resolves names against the latest catalog,
   so a reader's transaction that read `meta.publication` before the swap would read `marts`
   after it from the new version. The locks make the swap wait for transactions that touched an
   old table, and a reader blocked behind the swap finds the new table once it gets in. The swap
   waits at most `SWAP_LOCK_TIMEOUT` for a lock and then starts again: while it waits it holds
   the locks it has, and a reader holding one it wants would otherwise wait for it in turn (a
   deadlock PostgreSQL breaks by cancelling one of them, perhaps the reader).
3. **Drop** the retired schemas.

A failure in the load rolls its transaction back: readers keep the previous version, untouched.
Schemas a killed load committed but never swapped in are dropped by the next load. What the last
load did is kept in `<warehouse>/postgres_load.json` for `c360 status`.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from c360.atomic_json import write_json_atomically
from c360.personal_data import declared_columns
from c360.postgres_copy import duckdb_tables, load_schema
from c360.postgres_roles import RESTRICTED_SUFFIX, ensure_group_roles, grant_schema
from c360.serving import META_SCHEMA, PUBLIC_SCHEMAS, resolve_current
from c360.settings import Settings

LOADED_SCHEMAS = (*PUBLIC_SCHEMAS, META_SCHEMA)
VERSION_MARK = "__v"
RETIRED_MARK = "__retired"
SWAP_LOCK_TIMEOUT = "200ms"
SWAP_ATTEMPTS = 150


class PostgresLoadError(RuntimeError):
    """Loading a published version into PostgreSQL failed; the previous one is still served."""


@dataclass(frozen=True)
class PostgresLoad:
    """A version loaded and switched in: which, how many rows, how long each step took."""

    version: str
    tables: int
    rows: int
    load_seconds: float
    swap_seconds: float


def state_file(settings: Settings) -> Path:
    """What the last PostgreSQL load did (`c360 status` reads it)."""
    return settings.warehouse_dir / "postgres_load.json"


def read_state(settings: Settings) -> dict | None:
    """The last load's record, None when no load was ever tried."""
    try:
        return json.loads(state_file(settings).read_text())
    except (FileNotFoundError, ValueError):
        return None


def render_state(settings: Settings) -> str:
    """One or two lines on the PostgreSQL target for `c360 status`."""
    if not settings.postgres_url:
        return "postgresql         off (C360_POSTGRES_URL not set)"
    record = read_state(settings)
    if record is None:
        return "postgresql         on, nothing loaded yet (`c360 postgres load`)"
    if record["state"] == "failed":
        return f"postgresql         LOAD FAILED at {record['at']}\n{' ' * 19}{record['error']}"
    return (
        f"postgresql         serves {record['served']} (loaded at {record['at']}, "
        f"{record['tables']} tables, {record['rows']} rows)"
    )


def _write_state(settings: Settings, record: dict) -> None:
    write_json_atomically(state_file(settings), record)


def served_version(con: psycopg.Connection) -> str | None:
    """The version PostgreSQL readers see now (`meta.publication`), None before the first."""
    present = con.execute("select to_regclass(%s)", [f"{META_SCHEMA}.publication"]).fetchone()
    if present is None or present[0] is None:
        return None
    row = con.execute(f"select version from {META_SCHEMA}.publication").fetchone()
    return row[0] if row else None


def _duckdb(path: Path) -> duckdb.DuckDBPyConnection:
    """The publishing account's read-only connection (exports need the local filesystem)."""
    con = duckdb.connect(str(path), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con


def _public_plan(duck: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list]]:
    """(DuckDB schema, PostgreSQL public name, tables) of the masked file: every table."""
    return [(schema, schema, duckdb_tables(duck, schema)) for schema in LOADED_SCHEMAS]


def _restricted_plan(duck: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list]]:
    """The same for the copy with personal data: only the tables that declare some."""
    [(catalog,)] = duck.execute("select current_database()").fetchall()
    holding: dict[str, list[str]] = {}
    for schema, table in sorted(declared_columns(duck, catalog)):
        holding.setdefault(schema, []).append(table)
    return [
        (
            schema,
            schema + RESTRICTED_SUFFIX,
            [t for t in duckdb_tables(duck, schema) if t[0] in tables],
        )
        for schema, tables in holding.items()
    ]


def _load(settings: Settings, pg: psycopg.Connection, suffix: str) -> tuple[int, int, list[str]]:
    """Load the current version into schemas ending in `suffix`: (tables, rows, public names)."""
    files = (
        (resolve_current(settings), _public_plan, False),
        (resolve_current(settings, personal_data=True), _restricted_plan, True),
    )
    names, tables, rows = [], 0, 0
    with tempfile.TemporaryDirectory(dir=settings.warehouse_dir, prefix=".pg-load-") as tmp:
        for path, plan, restricted in files:
            duck = _duckdb(path)
            try:
                for schema, name, listed in plan(duck):
                    rows += load_schema(duck, pg, schema, listed, name + suffix, Path(tmp))
                    grant_schema(pg, name + suffix, restricted=restricted)
                    names.append(name)
                    tables += len(listed)
            finally:
                duck.close()
    return tables, rows, names


def _managed_schemas(pg: psycopg.Connection) -> list[str]:
    """Every schema this target creates: public names, versioned and retired ones."""
    public = [*LOADED_SCHEMAS, *(s + RESTRICTED_SUFFIX for s in LOADED_SCHEMAS)]
    return [
        name
        for (name,) in pg.execute("select nspname from pg_namespace").fetchall()
        if name.split(VERSION_MARK)[0].removesuffix(RETIRED_MARK) in public
    ]


def _drop(pg: psycopg.Connection, schemas: list[str]) -> None:
    for schema in schemas:
        pg.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))


def _swap(pg: psycopg.Connection, names: list[str], suffix: str) -> None:
    """In one transaction: lock the tables in service, retire their schemas, rename the new in.

    Public schemas the new version lacks (a restricted schema nobody needs now) retire too.
    """
    for attempt in range(1, SWAP_ATTEMPTS + 1):
        try:
            with pg.transaction():
                pg.execute(f"set local lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
                in_service = [s for s in _managed_schemas(pg) if VERSION_MARK not in s]
                in_service = [s for s in in_service if not s.endswith(RETIRED_MARK)]
                old_tables = pg.execute(
                    "select quote_ident(schemaname) || '.' || quote_ident(tablename) "
                    "from pg_tables where schemaname = any(%s)",
                    [in_service],
                ).fetchall()
                if old_tables:
                    tables = ", ".join(t for (t,) in old_tables)
                    pg.execute(f"lock table {tables} in access exclusive mode")
                for schema in in_service:
                    pg.execute(
                        sql.SQL("alter schema {} rename to {}").format(
                            sql.Identifier(schema), sql.Identifier(schema + RETIRED_MARK)
                        )
                    )
                for name in names:
                    pg.execute(
                        sql.SQL("alter schema {} rename to {}").format(
                            sql.Identifier(name + suffix), sql.Identifier(name)
                        )
                    )
            return
        except psycopg.errors.LockNotAvailable:
            if attempt == SWAP_ATTEMPTS:
                raise
            time.sleep(0.05)


def load_current(settings: Settings, url: str | None = None) -> PostgresLoad:
    """Load the version `current` names into PostgreSQL and switch its readers to it.

    Raises `PostgresLoadError` naming the version, the cause and the version still served.
    """
    url = url or settings.postgres_url
    if not url:
        raise PostgresLoadError("no PostgreSQL to load into: C360_POSTGRES_URL is not set")
    version = resolve_current(settings).name.removeprefix("c360-").removesuffix(".duckdb")
    suffix = VERSION_MARK + version.lower()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    previous: str | None = None
    swapped_in = False
    try:
        with psycopg.connect(url, autocommit=True) as pg:
            previous = served_version(pg)
            ensure_group_roles(pg)
            _drop(pg, [s for s in _managed_schemas(pg) if VERSION_MARK in s or RETIRED_MARK in s])
            started = time.monotonic()
            with pg.transaction():
                tables, rows, names = _load(settings, pg, suffix)
            loaded = time.monotonic()
            _swap(pg, names, suffix)
            swapped, swapped_in = time.monotonic(), True
            _drop(pg, [s for s in _managed_schemas(pg) if s.endswith(RETIRED_MARK)])
    except Exception as exc:
        still = f"version {previous}" if previous else "no version (none was loaded before)"
        if swapped_in:  # only dropping the retired schemas failed; the next load drops them
            still = f"version {version}, switched in before the failure"
        message = (
            f"PostgreSQL load of version {version} failed ({type(exc).__name__}: {exc}). "
            f"The DuckDB publication of {version} has happened: the dashboards and `c360 sql` "
            f"read it. PostgreSQL readers keep {still}."
        )
        served = version if swapped_in else previous
        record = {"state": "failed", "version": version, "served": served, "at": started_at}
        _write_state(settings, {**record, "error": message})
        raise PostgresLoadError(message) from exc
    result = PostgresLoad(
        version, tables, rows, round(loaded - started, 3), round(swapped - loaded, 3)
    )
    _write_state(
        settings, {"state": "loaded", "served": version, "at": started_at, **asdict(result)}
    )
    return result

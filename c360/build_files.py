"""The build's two DuckDB files as one connection, the way dbt sees them.

A refresh writes the internal schemas (staging, intermediate, reference) into `build.duckdb`
and the public ones (marts, quality) into `public.duckdb`, attached as `public_marts`
(dbt/profiles.yml). Tests, benchmarks and whoever debugs a build want to join across both with
the schema names they know (`staging.x`, `marts.y`); readers never use this: they open a
published version (c360/serving.py).
"""

from __future__ import annotations

import duckdb

from c360.serving import PUBLIC_SCHEMAS
from c360.settings import PUBLIC_DB_ALIAS, Settings


def connect_build(settings: Settings, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the build file with the public file attached; `marts.x` and `staging.y` both resolve.

    Read-only by default: a refresh holds both files read-write while it builds.
    """
    mode = " (read_only)" if read_only else ""
    con = duckdb.connect(str(settings.build_db), read_only=read_only)
    apply_build_settings(con, settings)
    con.execute(f"attach '{settings.public_db}' as {PUBLIC_DB_ALIAS}{mode}")
    build = con.execute("select current_database()").fetchone()[0]
    public = con.execute(
        "select schema_name from duckdb_schemas() where database_name = ? and schema_name in "
        f"({', '.join('?' for _ in PUBLIC_SCHEMAS)}) order by schema_name",
        [PUBLIC_DB_ALIAS, *PUBLIC_SCHEMAS],
    ).fetchall()
    path = ",".join([f"{build}.main", *(f"{PUBLIC_DB_ALIAS}.{schema}" for (schema,) in public)])
    con.execute(f"set search_path = '{path}'")
    return con


def apply_build_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Give `con` the build's memory limit, threads and spill folder (Settings.build_*).

    For connections that run the build's heavy queries outside dbt (which takes them from its
    profile): without them DuckDB takes 80 % of RAM per process. Set on the open connection, not
    as `duckdb.connect(config=...)`: a second connection to a file already open in the process
    with another configuration is refused. The spill folder is left alone when the connection
    already uses it: DuckDB refuses to set it again once something has spilled.
    """
    wanted = settings.build_duckdb_settings()
    settings.build_spill_dir.parent.mkdir(parents=True, exist_ok=True)
    [(spill,)] = con.execute("select current_setting('temp_directory')").fetchall()
    if spill != wanted["temp_directory"]:
        con.execute("set temp_directory = ?", [wanted["temp_directory"]])
    del wanted["temp_directory"]
    for key, value in wanted.items():
        con.execute(f"set {key} = ?", [value])

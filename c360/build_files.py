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

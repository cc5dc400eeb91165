"""SQL text built from values: a path or a sentence inside an SQL string literal.

Why: DuckDB's `ATTACH`, `COPY ... TO` and `COMMENT ON` take no bound parameters, so their paths
are written into the statement. A data root under `/home/Jean D'Arc/` made every such
statement a syntax error (the refresh failed at its catalogue step, after building).
"""

from __future__ import annotations

import os


def sql_literal(value: str | os.PathLike[str]) -> str:
    """`value` as an SQL string literal: in single quotes, each single quote in it doubled."""
    return "'" + os.fspath(value).replace("'", "''") + "'"

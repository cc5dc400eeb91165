"""Look for a person everywhere under `C360_HOME`: the erasure's own verification.

Every file's bytes in UTF-8, Windows-1252 and UTF-16 (both byte orders); inside every gzip file
and every zip archive's member (one that cannot be read is named: the person may be inside);
inside every Parquet file (its pages are compressed, so the values are read and searched) and
every DuckDB file (strings are compressed too: every column of every table, cast to text). An
erasure is done only when this finds nothing.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from pathlib import Path

import duckdb
import polars as pl

from c360.subject import Subject
from c360.subject_files import GZIP_MAGIC

PARQUET_MAGIC = b"PAR1"
DUCKDB_MAGIC = b"DUCK"  # at offset 8 of a DuckDB file
ZIP_MAGIC = b"PK\x03\x04"


def _in_parquet(path: Path, subject: Subject) -> bool:
    frame = pl.read_parquet(path)
    if not frame.width or not frame.height:
        return False
    # Each row as one JSON text: nested values (lists, structs) included. JSON escapes no
    # letter outside ASCII (Polars writes UTF-8), so a name with accents is found as written.
    rows = frame.select(pl.struct(pl.all()).struct.json_encode().alias("row"))
    return bool(subject.mentioned(rows).any())


def _in_zip(path: Path, subject: Subject) -> list[str]:
    """The members of a zip archive holding one of the terms; an unreadable one may hold them."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [
                f"inside the zip member {info.filename}"
                for info in archive.infolist()
                if not info.is_dir() and subject.in_bytes(archive.read(info))
            ]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        return [f"a zip archive that cannot be read ({exc}): the person may be inside"]


def _in_duckdb(path: Path, subject: Subject) -> list[str]:
    """The tables of a DuckDB file holding one of the terms in any column (cast to text)."""
    pattern = subject.pattern
    hits = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() and not internal"
        ).fetchall()
        for schema, table in tables:
            columns = con.execute(
                "select column_name from duckdb_columns() where database_name = current_database()"
                " and schema_name = ? and table_name = ?",
                [schema, table],
            ).fetchall()
            condition = " or ".join(
                f'regexp_matches(cast("{c}" as varchar), $pattern)' for (c,) in columns
            )
            [(count,)] = con.execute(
                f'select count(*) from "{schema}"."{table}" where {condition}', {"pattern": pattern}
            ).fetchall()
            if count:
                hits.append(f"{schema}.{table}: {count} row(s)")
    finally:
        con.close()
    return hits


def find_traces(home: Path, subject: Subject) -> list[str]:
    """Where under `home` the person's name, email or phone still is (empty: nowhere)."""
    if not subject.pattern:
        return []
    traces = []
    for path in sorted(p for p in home.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        where = path.relative_to(home).as_posix()
        if subject.in_bytes(data):
            traces.append(f"{where}: in the file's bytes")
        if data.startswith(GZIP_MAGIC) and subject.in_bytes(gzip.decompress(data)):
            traces.append(f"{where}: inside the gzip content")
        elif data.startswith(ZIP_MAGIC):
            traces += [f"{where}: {hit}" for hit in _in_zip(path, subject)]
        elif data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC):
            if _in_parquet(path, subject):
                traces.append(f"{where}: in a Parquet value")
        elif data[8:12] == DUCKDB_MAGIC:
            traces += [f"{where}: {hit}" for hit in _in_duckdb(path, subject)]
    return traces

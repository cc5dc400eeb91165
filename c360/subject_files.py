"""Remove one person from the files that are neither extracts, Parquet nor DuckDB.

Dagster's run and event storage (SQLite), dbt's artifacts and logs (JSON, text), compute logs,
anything else a deployment keeps under `C360_HOME`:

- a SQLite database has their words replaced in every text column, then `VACUUM` rebuilds the
  file, so freed pages holding the old values are gone (SQLite, like DuckDB, reuses pages
  rather than clearing them);
- a gzip file is decompressed, redacted and compressed again;
- a text file (UTF-8, Windows-1252 or UTF-16) is redacted in place, byte for byte elsewhere;
- a binary file of another format that holds them (dbt's `partial_parse.msgpack`,
  `graph.gpickle`: caches dbt rebuilds) cannot be patched without breaking its length fields,
  so it is deleted.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import uuid
from pathlib import Path

from c360.subject import REDACTED, Subject

SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
REDACTED_FILE, REMOVED_FILE = "redacted", "removed"


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.chmod(tmp, path.stat().st_mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _is_text(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return b"\x00" not in data  # Windows-1252 text has no NUL byte; binary formats do
    return True


def _spellings(term: str) -> list[str]:
    """SQLite's `replace` is case-sensitive: the term as found, in lower and in upper case."""
    return list(dict.fromkeys([term, term.lower(), term.upper(), term.title()]))


def scrub_sqlite(path: Path, subject: Subject) -> bool:
    """Redact the person in every text column of a SQLite file, then VACUUM; whether it changed."""
    con = sqlite3.connect(path)
    changed = 0
    try:
        tables = [
            name
            for (name,) in con.execute(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
            )
        ]
        for table in tables:
            columns = [row[1] for row in con.execute(f'pragma table_info("{table}")')]
            for column in columns:
                for term in subject.terms:
                    for spelling in _spellings(term):
                        cursor = con.execute(
                            f'update "{table}" set "{column}" = replace("{column}", ?, ?) '
                            f'where typeof("{column}") = \'text\' and instr("{column}", ?) > 0',
                            [spelling, REDACTED, spelling],
                        )
                        changed += cursor.rowcount
        changed += _scrub_sqlite_codes(con, tables, subject)
        con.commit()
        con.execute("vacuum")
    finally:
        con.close()
    return changed > 0


def _scrub_sqlite_codes(con: sqlite3.Connection, tables: list[str], subject: Subject) -> int:
    """An organisation's codes as whole words, through `Subject.redact_bytes`.

    SQLite's `replace` cannot tell "C000012" from the start of "C0000123": a Python function can.
    """
    if not subject.searched_codes:
        return 0
    con.create_function(
        "c360_redact", 1, lambda v: subject.redact_bytes(v.encode("utf-8")).decode("utf-8")
    )
    changed = 0
    for table in tables:
        for column in [row[1] for row in con.execute(f'pragma table_info("{table}")')]:
            cursor = con.execute(
                f'update "{table}" set "{column}" = c360_redact("{column}") '
                f'where typeof("{column}") = \'text\' and c360_redact("{column}") <> "{column}"'
            )
            changed += cursor.rowcount
    return changed


def scrub_file(path: Path, subject: Subject) -> str | None:
    """Remove the person from one file; what was done (`redacted`, `removed`) or None."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head == SQLITE_MAGIC:
        return REDACTED_FILE if scrub_sqlite(path, subject) else None
    data = path.read_bytes()
    if head.startswith(GZIP_MAGIC):
        inner = gzip.decompress(data)
        redacted = subject.redact_bytes(inner)
        if redacted == inner:
            return None
        _replace(path, gzip.compress(redacted))
        return REDACTED_FILE
    redacted = subject.redact_bytes(data)
    if redacted == data:
        return None
    if _is_text(data):
        _replace(path, redacted)
        return REDACTED_FILE
    path.unlink()
    return REMOVED_FILE

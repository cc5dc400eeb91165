"""The load log: one entry per landed file, saying what happened to it.

An entry is the commit record of a file's load (written last, after its raw and quarantine
parts), so its identifiers are deterministic: `load_id` comes from the source, entity, extract
date and content hash, and a crash before the entry means the next run loads the file again
over the same file names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.file_content import read_blocks
from ingestion.landing import LandedFile
from ingestion.raw_records import UnreadableFileError
from ingestion.raw_store import LOAD_LOG_SCHEMA, load_log_dir, write_atomically

LOADED, REJECTED, DUPLICATE, UNKNOWN = "loaded", "rejected", "duplicate", "unknown_file"
HASH_BLOCK_BYTES = 1 << 20


@dataclass(frozen=True)
class FileLoad:
    """What happened to one landed file."""

    load_id: str
    source_file: str
    entity: str | None
    status: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    message: str
    rows_erased: int = 0


def _sha256(blocks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block)
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    """SHA-256 of the file's content: its identity, whatever its name or compression.

    A gzip-compressed file is hashed decompressed, so the same extract delivered plain and
    compressed (or compressed twice, with two timestamps in the gzip header) is one content.
    A damaged archive is identified by its bytes.
    """
    try:
        return _sha256(read_blocks(path, HASH_BLOCK_BYTES))
    except UnreadableFileError:
        with path.open("rb") as handle:
            return _sha256(iter(lambda: handle.read(HASH_BLOCK_BYTES), b""))


def load_id_of(landed: LandedFile, content_hash: str) -> str:
    """`<source>-<entity>-<YYYYMMDD>-<hash prefix>`: the same file always gets the same id.

    A file outside any delivery folder has no extract date: `undated` stands in for it.
    """
    entity = landed.entity.name if landed.entity else landed.path.stem
    day = f"{landed.extract_date:%Y%m%d}" if landed.extract_date else "undated"
    return f"{landed.source}-{entity}-{day}-{content_hash[:12]}"


def now() -> dt.datetime:
    """The current time in UTC, as the log and the audit columns record it."""
    return dt.datetime.now(dt.UTC)


def write_log(
    raw_dir: Path, landed: LandedFile, result: FileLoad, content_hash: str, started_at: dt.datetime
) -> None:
    """Write the file's load-log entry, the last step of its load."""
    entry = pl.DataFrame(
        [
            {
                "load_id": result.load_id,
                "source": landed.source,
                "entity": result.entity,
                "source_file": landed.relative_path,
                "extract_date": landed.extract_date,
                "file_hash": content_hash,
                "file_bytes": landed.path.stat().st_size,
                "rows_read": result.rows_read,
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "rows_erased": result.rows_erased,
                "status": result.status,
                "message": result.message,
                "started_at": started_at,
                "finished_at": now(),
            }
        ],
        schema=LOAD_LOG_SCHEMA,
    )
    write_atomically(entry, load_log_dir(raw_dir) / f"{result.load_id}.parquet")

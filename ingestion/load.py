"""Load extract files into the raw area: read, validate, write, log. Nothing read is lost.

For every file: rows read = rows loaded + rows quarantined, and one load log entry says so. A file
whose content was already loaded (same hash, another name or folder) is logged as a duplicate and
not loaded again (unless it holds no record, as empty deltas are alike by nature, or it is a
full snapshot, whose date is what it says: an unchanged weekly snapshot still confirms every
record present); a file already in the log is skipped, which makes a rerun a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from c360.fault_points import INGESTION_AFTER_RAW_WRITE, fault_point
from ingestion.contracts import SourceContract
from ingestion.landing import LandedFile, landed_files
from ingestion.raw_store import (
    LOAD_LOG_SCHEMA,
    QUARANTINE_SCHEMA,
    ensure_empty_tables,
    entity_dir,
    entity_schema,
    load_log_dir,
    quarantine_dir,
    read_load_log,
    write_atomically,
)
from ingestion.readers import ROW_NUMBER, UnreadableFileError, read_extract
from ingestion.validate import REASON, validate_records

log = logging.getLogger(__name__)

LOADED, REJECTED, DUPLICATE, UNKNOWN = "loaded", "rejected", "duplicate", "unknown_file"


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


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes: the identity of its content, whatever its name."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_id(landed: LandedFile, content_hash: str) -> str:
    entity = landed.entity.name if landed.entity else landed.path.stem
    return f"{landed.source}-{entity}-{landed.extract_date:%Y%m%d}-{content_hash[:12]}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_log(
    raw_dir: Path, landed: LandedFile, result: FileLoad, content_hash: str, started_at: dt.datetime
) -> None:
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
                "status": result.status,
                "message": result.message,
                "started_at": started_at,
                "finished_at": _now(),
            }
        ],
        schema=LOAD_LOG_SCHEMA,
    )
    write_atomically(entry, load_log_dir(raw_dir) / f"{result.load_id}.parquet")


def _quarantine_frame(landed: LandedFile, load_id: str, rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        pl.lit(load_id).alias("load_id"),
        pl.lit(landed.source).alias("source"),
        pl.lit(landed.entity.name if landed.entity else None, dtype=pl.String).alias("entity"),
        pl.lit(landed.relative_path).alias("source_file"),
        pl.lit(landed.extract_date).alias("extract_date"),
        pl.col(ROW_NUMBER).cast(pl.Int64).alias("row_number"),
        pl.col("_raw_line").alias("raw_line"),
        pl.col(REASON).alias("reason"),
        pl.lit(_now()).dt.replace_time_zone("UTC").alias("quarantined_at"),
    ).cast(QUARANTINE_SCHEMA)


def load_file(landed: LandedFile, raw_dir: Path, content_hash: str) -> FileLoad:
    """Read, validate and write one file; the caller logs the result."""
    load_id = _load_id(landed, content_hash)
    entity = landed.entity
    if entity is None:
        return FileLoad(
            load_id,
            landed.relative_path,
            None,
            UNKNOWN,
            0,
            0,
            0,
            f"{landed.relative_path}: no contract entity matches this file name",
        )
    try:
        records = read_extract(landed.path, entity)
    except UnreadableFileError as exc:
        return FileLoad(
            load_id,
            landed.relative_path,
            entity.name,
            REJECTED,
            0,
            0,
            0,
            f"{landed.relative_path}: file rejected: {exc}",
        )
    rows = validate_records(records.frame, entity, records.expected_fields, records.extra_columns)
    loaded_at = _now()
    data = rows.loaded.with_columns(
        pl.lit(load_id).alias("_load_id"),
        pl.lit(landed.relative_path).alias("_source_file"),
        pl.lit(landed.extract_date).alias("_extract_date"),
        pl.col(ROW_NUMBER).cast(pl.Int64),
        pl.lit(landed.is_snapshot).alias("_is_snapshot"),
        pl.lit(loaded_at).alias("_loaded_at"),
    )
    schema = entity_schema(entity) | dict.fromkeys(records.extra_columns, pl.String())
    data = data.select(list(schema)).cast(schema)
    write_atomically(data, entity_dir(raw_dir, entity) / f"{load_id}.parquet")
    if rows.quarantined.height:
        write_atomically(
            _quarantine_frame(landed, load_id, rows.quarantined),
            quarantine_dir(raw_dir) / f"{load_id}.parquet",
        )
    notes = list(records.notes)
    if rows.quarantined.height:
        first = rows.quarantined.row(0, named=True)
        notes.append(
            f"{rows.quarantined.height} row(s) quarantined, first at row "
            f"{first[ROW_NUMBER]}: {first[REASON]}"
        )
    return FileLoad(
        load_id,
        landed.relative_path,
        entity.name,
        LOADED,
        records.frame.height,
        data.height,
        rows.quarantined.height,
        "; ".join(notes),
    )


def _has_records(landed: LandedFile) -> bool:
    """Whether a file carries any record.

    Header-only deltas are identical day after day and loading one twice is harmless, so only
    files with records count as duplicates.
    """
    if landed.entity is None:
        return True
    try:
        return read_extract(landed.path, landed.entity).frame.height > 0
    except UnreadableFileError:
        return True


def ingest_source(contract: SourceContract, landing_dir: Path, raw_dir: Path) -> list[FileLoad]:
    """Load every file of a source not loaded yet, oldest extract first."""
    ensure_empty_tables(raw_dir, list(contract.entities.values()))
    history = read_load_log(raw_dir)
    seen_files = set(history["source_file"].to_list())
    seen_hashes = set(history.filter(pl.col("status") == LOADED)["file_hash"].to_list())
    results: list[FileLoad] = []
    for landed in landed_files(landing_dir, contract):
        if landed.relative_path in seen_files:
            continue
        started_at = _now()
        content_hash = file_hash(landed.path)
        if content_hash in seen_hashes and not landed.is_snapshot and _has_records(landed):
            result = FileLoad(
                _load_id(landed, content_hash) + "-dup",
                landed.relative_path,
                landed.entity.name if landed.entity else None,
                DUPLICATE,
                0,
                0,
                0,
                f"{landed.relative_path}: same content already loaded; skipped",
            )
        else:
            result = load_file(landed, raw_dir, content_hash)
            fault_point(INGESTION_AFTER_RAW_WRITE)  # the raw file exists, its log entry not yet
        _write_log(raw_dir, landed, result, content_hash, started_at)
        if result.status == LOADED:
            seen_hashes.add(content_hash)
        if result.status != LOADED or result.rows_quarantined:
            log.warning("%s", result.message)
        results.append(result)
    return results

"""Load extract files into the raw area: read, validate, write, log. Nothing read is lost.

For every file: rows read = rows loaded + rows quarantined + rows erased, and one load log entry
says so (rows erased: rows carrying the identifier of a person erased on request, dropped before
validation so they reach neither the raw area nor the quarantine; `ingestion.erased_rows`).

A file whose content was already loaded (same hash, another name or folder) is logged as a
duplicate and not loaded again (unless it holds no record, as empty deltas are alike by nature,
or it is a full snapshot, whose date is what it says: an unchanged weekly snapshot still
confirms every record present); a file already in the log is skipped, which makes a rerun a
no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
from polars.exceptions import PanicException

from ingestion.contracts import Entity, SourceContract
from ingestion.erased_rows import NO_ERASURES, ErasedRows
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
from ingestion.readers import ROW_NUMBER, RawRecords, UnreadableFileError, read_extract_chunks
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
    rows_erased: int = 0


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
                "rows_erased": result.rows_erased,
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


def _part_name(load_id: str, part: int) -> str:
    """`<load_id>.parquet`, then `<load_id>.part<n>.parquet` for the pieces of a large file."""
    return f"{load_id}.parquet" if part == 0 else f"{load_id}.part{part}.parquet"


def _remove_parts(raw_dir: Path, entity: Entity, load_id: str) -> None:
    """Delete what an earlier, unlogged attempt at this load wrote (data and quarantine)."""
    for folder in (entity_dir(raw_dir, entity), quarantine_dir(raw_dir)):
        for path in folder.glob(f"{load_id}.*parquet"):
            path.unlink()


@dataclass
class _Totals:
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_erased: int = 0
    first_quarantined: dict | None = None


@dataclass(frozen=True)
class _Load:
    """One file's load: where its parts go and the audit values every row of it carries."""

    landed: LandedFile
    entity: Entity
    raw_dir: Path
    load_id: str
    loaded_at: dt.datetime


def _write_piece(load: _Load, part: int, records: RawRecords) -> tuple[int, pl.DataFrame]:
    """Validate one piece of a file and write it: the rows loaded, and the rows quarantined."""
    landed, entity, raw_dir, load_id = load.landed, load.entity, load.raw_dir, load.load_id
    rows = validate_records(
        records.frame,
        entity,
        records.expected_fields,
        records.extra_columns,
        extract_date=landed.extract_date,
    )
    data = rows.loaded.with_columns(
        pl.lit(load_id).alias("_load_id"),
        pl.lit(landed.relative_path).alias("_source_file"),
        pl.lit(landed.extract_date).alias("_extract_date"),
        pl.col(ROW_NUMBER).cast(pl.Int64),
        pl.lit(landed.is_snapshot).alias("_is_snapshot"),
        pl.lit(load.loaded_at).alias("_loaded_at"),
    )
    schema = entity_schema(entity) | dict.fromkeys(records.extra_columns, pl.String())
    data = data.select(list(schema)).cast(schema)
    if part == 0 or data.height:
        write_atomically(data, entity_dir(raw_dir, entity) / _part_name(load_id, part))
    if rows.quarantined.height:
        write_atomically(
            _quarantine_frame(landed, load_id, rows.quarantined),
            quarantine_dir(raw_dir) / _part_name(load_id, part),
        )
    return data.height, rows.quarantined


def load_file(
    landed: LandedFile,
    raw_dir: Path,
    content_hash: str,
    erased: ErasedRows = NO_ERASURES,
) -> FileLoad:
    """Read, validate and write one file, piece by piece for a large one; the caller logs it.

    A large file is written as several Parquet parts of one load (`_part_name`); a file found
    unreadable part-way has its parts removed, so it is loaded whole or not at all. Whatever the
    file holds, this returns: an error no check foresaw rejects the file, naming the exception,
    so one file never stops the load of the others (an OSError, the disk's, still propagates).
    Polars' PanicException (a Rust panic on a value it cannot handle) is a BaseException, so it
    is named too.
    """
    try:
        return _load_file(landed, raw_dir, content_hash, erased)
    except OSError:
        raise
    except (Exception, PanicException) as exc:  # any content-driven failure is this file's alone
        log.exception("unexpected error loading %s", landed.relative_path)
        if landed.entity is not None:
            _remove_parts(raw_dir, landed.entity, _load_id(landed, content_hash))
        return _rejected(landed, content_hash, f"unexpected {_type_name(exc)} while loading: {exc}")


def _type_name(exc: BaseException) -> str:
    """`ZeroDivisionError`, `_csv.Error`: qualified unless built in, since `Error` says nothing."""
    kind = type(exc)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _rejected(landed: LandedFile, content_hash: str, cause: str) -> FileLoad:
    return FileLoad(
        _load_id(landed, content_hash),
        landed.relative_path,
        landed.entity.name if landed.entity else None,
        REJECTED,
        0,
        0,
        0,
        f"{landed.relative_path}: file rejected: {cause}",
    )


def _load_file(
    landed: LandedFile, raw_dir: Path, content_hash: str, erased: ErasedRows
) -> FileLoad:
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
    _remove_parts(raw_dir, entity, load_id)
    load = _Load(landed, entity, raw_dir, load_id, _now())
    totals = _Totals()
    notes: list[str] = []
    try:
        for part, records in enumerate(read_extract_chunks(landed.path, entity)):
            totals.rows_read += records.frame.height
            records, rows_erased = _without_erased(records, erased)
            totals.rows_erased += rows_erased
            loaded, quarantined = _write_piece(load, part, records)
            totals.rows_loaded += loaded
            totals.rows_quarantined += quarantined.height
            if quarantined.height and totals.first_quarantined is None:
                totals.first_quarantined = quarantined.row(0, named=True)
            notes += [note for note in records.notes if note not in notes]
    except UnreadableFileError as exc:
        _remove_parts(raw_dir, entity, load_id)
        return _rejected(landed, content_hash, str(exc))
    if totals.rows_erased:
        notes.append(f"{totals.rows_erased} row(s) of erased people dropped")
    if totals.first_quarantined is not None:
        first = totals.first_quarantined
        notes.append(
            f"{totals.rows_quarantined} row(s) quarantined, first at row "
            f"{first[ROW_NUMBER]}: {first[REASON]}"
        )
    return FileLoad(
        load_id,
        landed.relative_path,
        entity.name,
        LOADED,
        totals.rows_read,
        totals.rows_loaded,
        totals.rows_quarantined,
        "; ".join(notes),
        totals.rows_erased,
    )


def _without_erased(records: RawRecords, erased: ErasedRows) -> tuple[RawRecords, int]:
    """The records minus those carrying an erased person's identifier, and how many those were."""
    dropped = erased.rows(records.frame)
    if not dropped.any():
        return records, 0
    kept = records.frame.filter(~dropped)
    return replace(records, frame=kept), records.frame.height - kept.height


def _has_records(landed: LandedFile) -> bool:
    """Whether a file carries any record.

    Header-only deltas are identical day after day and loading one twice is harmless, so only
    files with records count as duplicates.
    """
    if landed.entity is None:
        return True
    try:
        # Lazily, piece by piece: a large file is known to have records from its first piece.
        return any(r.frame.height > 0 for r in read_extract_chunks(landed.path, landed.entity))
    except OSError:
        raise
    except (Exception, PanicException):  # unreadable: load_file rejects it, naming the cause
        return True


def ingest_source(
    contract: SourceContract,
    landing_dir: Path,
    raw_dir: Path,
    after_raw_write: Callable[[], None] | None = None,
    erased: ErasedRows = NO_ERASURES,
) -> list[FileLoad]:
    """Load every file of a source not loaded yet, oldest extract first.

    `after_raw_write` runs between a file's raw write and its load-log entry, the window a crash
    must survive: the orchestrator passes its fault point there (ingestion imports nothing of the
    project). Rows carrying an identifier in `erased` (the erasure ledger) are dropped and
    counted.
    """
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
            result = load_file(landed, raw_dir, content_hash, erased)
            if after_raw_write is not None:  # the raw file exists, its log entry not yet
                after_raw_write()
        _write_log(raw_dir, landed, result, content_hash, started_at)
        if result.status == LOADED:
            seen_hashes.add(content_hash)
        if result.status != LOADED or result.rows_quarantined:
            log.warning("%s", result.message)
        results.append(result)
    return results

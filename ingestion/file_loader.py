"""Load one landed file into the raw area: read it piece by piece, validate, write its parts.

Rows read = rows loaded + rows quarantined + rows erased (rows carrying the identifier of a
person erased on request, dropped before validation so they reach neither the raw area nor the
quarantine; `ingestion.erased_rows`). The caller writes the load-log entry (`load_log.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
from polars.exceptions import PanicException

from ingestion.contracts import Entity
from ingestion.erased_rows import NO_ERASURES, ErasedRows
from ingestion.landing import LandedFile
from ingestion.load_log import LOADED, REJECTED, FileLoad, load_id_of, now
from ingestion.raw_records import META_COLUMNS, RAW_LINE
from ingestion.raw_store import (
    QUARANTINE_SCHEMA,
    entity_dir,
    entity_schema,
    quarantine_dir,
    write_atomically,
)
from ingestion.readers import ROW_NUMBER, RawRecords, UnreadableFileError, read_extract_chunks
from ingestion.validate import REASON, validate_records
from ingestion.zero_bytes import without_zero_bytes, zero_bytes_note

log = logging.getLogger(__name__)


def quarantine_frame(landed: LandedFile, load_id: str, rows: pl.DataFrame) -> pl.DataFrame:
    """The quarantine rows of a file's failing rows: where each came from, its line and reason."""
    return rows.select(
        pl.lit(load_id).alias("load_id"),
        pl.lit(landed.source).alias("source"),
        pl.lit(landed.entity.name if landed.entity else None, dtype=pl.String).alias("entity"),
        pl.lit(landed.relative_path).alias("source_file"),
        pl.lit(landed.extract_date).alias("extract_date"),
        pl.col(ROW_NUMBER).cast(pl.Int64).alias("row_number"),
        pl.col("_raw_line").alias("raw_line"),
        pl.col(REASON).alias("reason"),
        pl.lit(now()).dt.replace_time_zone("UTC").alias("quarantined_at"),
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
    values_with_zero_bytes: int = 0
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
            quarantine_frame(landed, load_id, rows.quarantined),
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
            _remove_parts(raw_dir, landed.entity, load_id_of(landed, content_hash))
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
        load_id_of(landed, content_hash),
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
    load_id = load_id_of(landed, content_hash)
    entity = landed.entity
    if entity is None:  # the caller logs a file of no entity without reading it
        raise ValueError(f"{landed.relative_path}: no entity to load this file as")
    _remove_parts(raw_dir, entity, load_id)
    load = _Load(landed, entity, raw_dir, load_id, now())
    totals = _Totals()
    notes: list[str] = []
    try:
        for part, records in enumerate(read_extract_chunks(landed.path, entity)):
            totals.rows_read += records.frame.height
            records, rows_erased = _without_erased(records, erased)
            totals.rows_erased += rows_erased
            records, zeros = _without_zero_bytes(records, entity)
            totals.values_with_zero_bytes += zeros
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
    if totals.values_with_zero_bytes:
        notes.append(zero_bytes_note(totals.values_with_zero_bytes))
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


def _without_zero_bytes(records: RawRecords, entity: Entity) -> tuple[RawRecords, int]:
    """The records with NULs removed from their free-text values (`ingestion.zero_bytes`)."""
    codes = {column.name for column in entity.columns if entity.is_code(column)}
    free_text = [
        name
        for name, dtype in records.frame.schema.items()
        if dtype == pl.String and name not in codes and name not in META_COLUMNS
    ]
    frame, values = without_zero_bytes(records.frame, free_text, RAW_LINE)
    return (replace(records, frame=frame), values) if frame is not records.frame else (records, 0)

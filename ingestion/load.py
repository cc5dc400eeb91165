"""Load every new file of a source into the raw area, oldest extract first. Nothing read is lost.

Each file is read, validated and written by `file_loader.py`, then logged (`load_log.py`): for
every file, rows read = rows loaded + rows quarantined + rows erased, and one load-log entry
says so.

A file whose content was already loaded (same hash, another name or folder) is logged as a
duplicate and not loaded again (unless it holds no record, as empty deltas are alike by nature,
or it is a full snapshot, whose date is what it says: an unchanged weekly snapshot still
confirms every record present); a file already in the log is skipped, which makes a rerun a
no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import polars as pl
from polars.exceptions import PanicException

from ingestion.archives import unpack_archives
from ingestion.contracts import SourceContract
from ingestion.erased_rows import NO_ERASURES, ErasedRows
from ingestion.file_loader import load_file
from ingestion.landing import LandedFile, landed_files, misnamed_folder_files, readable_folders
from ingestion.load_log import (
    DUPLICATE,
    LOADED,
    REJECTED,
    UNKNOWN,
    FileLoad,
    file_hash,
    load_id_of,
    now,
    write_log,
)
from ingestion.raw_store import ensure_empty_tables, read_load_log
from ingestion.readers import read_extract_chunks
from ingestion.unread_formats import unknown_file_message

log = logging.getLogger(__name__)


def has_records(landed: LandedFile) -> bool:
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


def expected_names(contract: SourceContract) -> str:
    """The file names a source's entities are read from, for a file that matches none."""
    names = ", ".join(entity.file_pattern for entity in contract.entities.values())
    return f"the {contract.source} files are named {names}"


def unpack_delivered_archives(
    contract: SourceContract, landing_dir: Path, raw_dir: Path
) -> list[FileLoad]:
    """Unpack the zip archives of the source's delivery folders; log each that cannot be, rejected.

    Run before the files are listed, so an archive's files are read as files of its delivery
    (`ingestion.archives`). An archive left as it was (damaged, encrypted, ...) gets its
    rejection once, naming why, like any file the load log names.
    """
    seen_files = set(read_load_log(raw_dir)["source_file"].to_list())
    results = []
    for extract_date, folder in readable_folders(landing_dir, contract.source):
        for unpacked in unpack_archives(folder):
            relative = unpacked.archive.relative_to(landing_dir).as_posix()
            if unpacked.problem is None or relative in seen_files:
                continue
            landed = LandedFile(unpacked.archive, relative, contract.source, extract_date, None)
            results.append(_reject_whole(raw_dir, landed, unpacked.problem))
    return results


def _reject_whole(raw_dir: Path, landed: LandedFile, why: str) -> FileLoad:
    """Log a file rejected before any of it is read, saying why; the load-log entry it gets."""
    started_at = now()
    content_hash = file_hash(landed.path)
    result = FileLoad(
        load_id_of(landed, content_hash),
        landed.relative_path,
        landed.entity.name if landed.entity else None,
        REJECTED,
        0,
        0,
        0,
        f"{landed.relative_path}: file rejected: {why}",
    )
    write_log(raw_dir, landed, result, content_hash, started_at)
    log.warning("%s", result.message)
    return result


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
        started_at = now()
        content_hash = file_hash(landed.path)
        if landed.entity is None:  # named first: a copy of a loaded file under a wrong name
            result = FileLoad(
                load_id_of(landed, content_hash),
                landed.relative_path,
                None,
                UNKNOWN,
                0,
                0,
                0,
                unknown_file_message(
                    landed.relative_path,
                    landed.path.name,
                    f"no contract entity matches this file name ({expected_names(contract)})",
                ),
            )
        elif content_hash in seen_hashes and not landed.is_snapshot and has_records(landed):
            result = FileLoad(
                load_id_of(landed, content_hash) + "-dup",
                landed.relative_path,
                landed.entity.name,
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
        write_log(raw_dir, landed, result, content_hash, started_at)
        if result.status == LOADED:
            seen_hashes.add(content_hash)
        if result.status != LOADED or result.rows_quarantined:
            log.warning("%s", result.message)
        results.append(result)
    return results


_DELIVERY_NAMES = (
    "YYYY-MM-DD (a day's extract) or YYYY-MM-DDTHHMM (an intra-day one, e.g. 2026-09-05T1400)"
)


def _outside_deliveries(landed: LandedFile) -> str:
    """Why a file outside the delivery folders is not read, and what reads it."""
    parts = Path(landed.relative_path).parts  # <source>/<folder>/.../<file> or <source>/<file>
    if len(parts) == 2:
        return (
            f"it is in no delivery folder: move it into a folder {parts[0]}/<date> named "
            f"{_DELIVERY_NAMES}; the next refresh then loads it"
        )
    return (
        f"folder {parts[1]!r} is not named as a delivery: name it {_DELIVERY_NAMES}; the next "
        "refresh then loads its files"
    )


def reject_misnamed_folders(
    contract: SourceContract, landing_dir: Path, raw_dir: Path
) -> list[FileLoad]:
    """Log each new file of a misnamed folder of the source as rejected, naming the folder.

    `contract` is the one its files are named by (a preset's native tables).

    Ingestion reads delivery folders only (`<YYYY-MM-DD>`, `<YYYY-MM-DDTHHMM>`). Before, a file
    in `crm/2026-9-5/` was read by nothing and reported by nothing, and every refresh counted it
    as new work. Renamed, its folder is a delivery and the next refresh loads it.
    """
    seen_files = set(read_load_log(raw_dir)["source_file"].to_list())
    results = []
    for landed in misnamed_folder_files(landing_dir, contract):
        if landed.relative_path not in seen_files:
            results.append(_reject_whole(raw_dir, landed, _outside_deliveries(landed)))
    return results

"""The native files of a preset delivery: each read and checked against the native contract.

A native file keeps its rows (typed, with a native id that names file and row), its raw lines
and the reasons its rows failed, so that once the mapping has run every native row can be
counted as loaded or quarantined with all its reasons.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from ingestion.contracts import Entity
from ingestion.contracts.model import PARQUET_TEXT
from ingestion.erased_rows import ErasedRows
from ingestion.file_content import delivered_name
from ingestion.landing import LandedFile
from ingestion.load_log import REJECTED, FileLoad, file_hash, now
from ingestion.presets.mapping import native_id
from ingestion.raw_records import RAW_LINE, ROW_NUMBER, UnreadableFileError
from ingestion.readers import read_extract_chunks as read_chunks
from ingestion.validate import REASON, validate_records

_FILE_KINDS = {".parquet": "parquet", ".jsonl": "jsonl", ".csv": "csv", ".txt": "csv"}


def native_entity_for(entity: Entity, path: Path) -> Entity:
    """The native table's contract with the file kind its extension says.

    One export can come as CSV from the system and as Parquet from a connector; the columns and
    the mapping are the same, only the reader differs.
    """
    kind = _FILE_KINDS.get(Path(delivered_name(path.name)).suffix.lower())
    if kind is None or kind == entity.format.kind:
        return entity
    text = PARQUET_TEXT if kind == "parquet" else {}
    return replace(entity, format=replace(entity.format, kind=kind, **text))


@dataclass
class NativeFile:
    """One native file of a delivery as read: its rows, and what became of each."""

    landed: LandedFile
    index: int
    content_hash: str
    started_at: dt.datetime
    load_id: str
    raw_lines: pl.DataFrame | None = None
    typed: pl.DataFrame | None = None
    reasons: dict[int, list[str]] | None = None
    notes: list[str] | None = None
    result: FileLoad | None = None
    rows_erased: int = 0


def file_load(native: NativeFile, status: str, message: str) -> FileLoad:
    """The load-log row of a native file that loads no rows (unknown, duplicate, rejected)."""
    entity = native.landed.entity.name if native.landed.entity else None
    return FileLoad(native.load_id, native.landed.relative_path, entity, status, 0, 0, 0, message)


def read_native(native: NativeFile, fill_down: tuple[str, ...], erased: ErasedRows) -> None:
    """Read and check one native file; rows that fail keep their reasons.

    `fill_down` columns, written by the exporter on a record's first line only, are carried
    down to the lines below before the checks. Rows of erased people (`erased`) are dropped
    first and counted, as in `ingestion.file_loader`.
    """
    landed = native.landed
    assert landed.entity is not None
    entity = native_entity_for(landed.entity, landed.path)
    frames, raws, quarantined, notes = [], [], [], []
    try:
        for records in read_chunks(landed.path, entity):
            frame = records.frame.sort(ROW_NUMBER).with_columns(
                pl.col(c).replace("", None).forward_fill() for c in fill_down
            )
            dropped = erased.rows(frame)
            native.rows_erased += int(dropped.sum())
            frame = frame.filter(~dropped)
            rows = validate_records(frame, entity, records.expected_fields, records.extra_columns)
            frames.append(rows.loaded.select([*entity.column_names, ROW_NUMBER]))
            raws.append(frame.select(ROW_NUMBER, RAW_LINE))
            quarantined.append(rows.quarantined)
            notes += [n for n in records.notes if n not in notes]
    except UnreadableFileError as exc:
        native.result = file_load(native, REJECTED, f"{landed.relative_path}: file rejected: {exc}")
        return
    native.typed = pl.concat(frames).with_columns(native_id(native.index, pl.col(ROW_NUMBER)))
    native.raw_lines = pl.concat(raws)
    native.reasons = defaultdict(list)
    for row in pl.concat(quarantined).iter_rows(named=True):
        native.reasons[row[ROW_NUMBER]].append(row[REASON])
    native.notes = notes


def new_native_file(landed: LandedFile, index: int, source: str) -> NativeFile:
    """A landed native file before reading: its content hash and its own load id."""
    content_hash = file_hash(landed.path)
    table = landed.entity.name if landed.entity else landed.path.stem
    load_id = f"{source}-{table}-{landed.extract_date:%Y%m%d}-{content_hash[:12]}"
    return NativeFile(landed, index, content_hash, now(), load_id)

"""Rewrite the delivered extracts without one person: their records out, their mentions redacted.

An extract stays the file it was: same format, encoding, separator, quoting and line endings,
byte for byte outside what is removed. Records are found with the ingestion's own reader (so a
record is what ingestion would have read, its physical lines included when a quoted value spans
several); the lines of the person's records are then cut from the file's bytes, and their name,
email and phone are replaced in the bytes of every other line in each encoding a file may use
(`Subject.redact_bytes`). A Parquet extract is rewritten with its own compression codec
(`subject_parquet`). A file no contract matches, or one the reader rejects, is treated line by
line: a line carrying the person's email is theirs.

The load log keeps the file as delivered (path, hash, size): its path keeps the next refresh from
reading it again, and its hash keeps an identical re-delivery of the original a duplicate.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from c360.settings import Settings
from c360.subject import Subject
from c360.subject_parquet import scrub_parquet
from ingestion.contracts import Entity
from ingestion.landing import landed_files
from ingestion.presets.delivery import native_entity_for
from ingestion.readers import ROW_NUMBER, UnreadableFileError, read_extract_chunks
from ingestion.sources import load_sources


@dataclass(frozen=True)
class LandingEdit:
    """One extract rewritten: how many of its records were the person's."""

    path: Path
    records_removed: int


def landing_entities(settings: Settings) -> Iterator[tuple[Path, Entity | None]]:
    """Every landed file with the entity (the preset's native table, if any) it is read as."""
    for source in load_sources(settings.sources_file, settings.contracts_dir).values():
        files = source.contract
        if source.preset is not None:
            files = replace(source.contract, entities=source.preset.native.entities)
        for landed in landed_files(settings.landing_dir, files):
            entity = landed.entity
            if entity is not None and source.preset is not None:
                entity = native_entity_for(entity, landed.path)
            yield landed.path, entity


def _record_starts(path: Path, entity: Entity, subject: Subject) -> tuple[list[int], set[int]]:
    """The first line of every record, and of the person's records (1-based, header = 1)."""
    starts: list[int] = []
    owned: set[int] = set()
    for records in read_extract_chunks(path, entity):
        frame = records.frame
        mask = subject.owned_rows(frame, extract=True)  # the raw line's email included
        starts += frame[ROW_NUMBER].to_list()
        owned |= set(frame.filter(mask)[ROW_NUMBER].to_list())
    return sorted(set(starts)), owned


def _owned_lines(starts: list[int], owned: set[int], line_count: int) -> set[int]:
    """Every physical line of the owned records: from its start to the next record's start."""
    lines: set[int] = set()
    for index, start in enumerate(starts):
        if start in owned:
            end = starts[index + 1] if index + 1 < len(starts) else line_count + 1
            lines.update(range(start, end))
    return lines


def _lines_with_email(lines: list[bytes], subject: Subject) -> set[int]:
    """Lines (1-based) carrying one of the person's emails, in any of the text encodings."""
    owned = set()
    for number, line in enumerate(lines, start=1):
        if subject.email_in_bytes(line):
            owned.add(number)
    return owned


def _write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` by `data` atomically, keeping its permissions."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.chmod(tmp, path.stat().st_mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def rewrite_text_extract(path: Path, entity: Entity | None, subject: Subject) -> int:
    """Rewrite one CSV or JSON Lines file without the person; the records removed."""
    data = path.read_bytes()
    lines = data.splitlines(keepends=True)
    try:
        if entity is None:
            raise UnreadableFileError("no contract")
        starts, owned = _record_starts(path, entity, subject)
        drop = _owned_lines(starts, owned, len(lines))
        removed = len(owned)
    except UnreadableFileError:
        drop = _lines_with_email(lines, subject)
        removed = len(drop)
    kept = b"".join(line for number, line in enumerate(lines, start=1) if number not in drop)
    rewritten = subject.redact_bytes(kept)
    if rewritten != data:
        _write_bytes(path, rewritten)
    return removed


def erase_from_landing(settings: Settings, subject: Subject) -> list[LandingEdit]:
    """Rewrite every landed file that holds the person; the files changed.

    Files of every source (built-in contracts and presets) are read as ingestion reads them;
    anything else under the landing folder (a file no contract names, a note) line by line.
    """
    edits: list[LandingEdit] = []
    seen: set[Path] = set()
    for path, entity in landing_entities(settings):
        seen.add(path)
        edits += _erase_file(path, entity, subject)
    for path in sorted(p for p in settings.landing_dir.rglob("*") if p.is_file()):
        if path not in seen:
            edits += _erase_file(path, None, subject)
    return edits


def _erase_file(path: Path, entity: Entity | None, subject: Subject) -> list[LandingEdit]:
    before = path.read_bytes()
    if path.suffix.lower() == ".parquet" or (entity and entity.format.kind == "parquet"):
        removed_rows = scrub_parquet(path, subject, extract=True)
        removed = 0 if removed_rows is None else removed_rows.height
    else:
        removed = rewrite_text_extract(path, entity, subject)
    return [LandingEdit(path, removed)] if path.read_bytes() != before else []

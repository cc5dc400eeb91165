"""Write entity rows into the landing layout, one folder per source and extract date.

The generator builds every entity as typed rows with an `_extract_on` date: the day that
version of the record was created or changed. This module turns them into what a source system
would have exported: a full extract on the first date (the latest version of every record up to
it), then one delta per day, each file formatted as the entity's contract says, plus a weekly
full snapshot of the ERP master data on Mondays.

Blocks of customers are appended to the files one after the other (see `blocks.py`), so the
writer keeps, per file, how many lines it holds: that is how a defect-tagged row's physical line
number is known without reading the file back (`extract_file.py`). `finish` then applies the
defects that need the complete file (`file_defect_injection.py`: a truncated last line, a file
delivered twice), renames every file into place and marks each folder done. The rows' bytes come
from `file_encoding.py`, the defect log's rows from `defect_log.py`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.contracts import Entity, SourceContract
from ingestion.generator.defect_log import one_row_per_defect, record_key, row_defects
from ingestion.generator.extract_file import ExtractFile, atomic_write, in_delivery_order
from ingestion.generator.file_defect_injection import (
    header_defects,
    resend_files,
    truncate_last_lines,
)
from ingestion.generator.file_defects import FileDefectPlan
from ingestion.generator.file_encoding import empty_frame, encode, encode_rows
from ingestion.generator.randomness import rng_for
from ingestion.generator.row_defects import COPY
from ingestion.generator.tags import DEFECT, TAG_COLUMNS
from ingestion.generator.timeline import Timeline, date_of

SUCCESS_MARKER = "_SUCCESS"
_EXTRACT_ON = "_extract_on"
_DAY = "_day"


@dataclass(frozen=True)
class WriteResult:
    """What the writer produced.

    Entity files (markers not counted), rows per entity in the full and delta files (snapshots
    not counted), and one row per injected defect.
    """

    files_written: int
    rows_by_entity: dict[str, int]
    defects: pl.DataFrame


class ExtractWriter:
    """Appends blocks of entity rows to the extract files, then completes the landing folder."""

    def __init__(
        self,
        landing_dir: Path,
        contracts: dict[str, SourceContract],
        timeline: Timeline,
        plan: FileDefectPlan,
        seed: int,
    ) -> None:
        self._landing = landing_dir
        self._contracts = contracts
        self._timeline = timeline
        self._plan = plan
        self._seed = seed
        self._files: dict[tuple[str, int, bool], ExtractFile] = {}
        self._defects: list[pl.DataFrame] = []
        self.rows_by_entity: dict[str, int] = {
            f"{s}.{e}": 0 for s, c in contracts.items() for e in c.entities
        }
        for source in contracts:
            for day in timeline.extract_days:
                folder = landing_dir / source / date_of(day).isoformat()
                folder.mkdir(parents=True, exist_ok=True)
                (folder / SUCCESS_MARKER).unlink(missing_ok=True)

    def entity(self, name: str) -> Entity:
        """The contract entity of "source.entity"."""
        source, entity = name.split(".")
        return self._contracts[source].entities[entity]

    def append(self, name: str, table: pl.DataFrame) -> None:
        """Append one block's rows of an entity (contract columns, `_extract_on`, tags)."""
        if name not in self.rows_by_entity:
            raise ValueError(f"table without a contract: {name}")
        entity = self.entity(name)
        table = table.with_columns(
            pl.col(_EXTRACT_ON).cast(pl.Date).cast(pl.Int64).alias(_DAY)
        ).filter(pl.col(_DAY) <= self._timeline.end)
        for day, part in _by_extract_day(table, entity, self._timeline).items():
            self._write(self._file(name, day, is_snapshot=False), part)
        if entity.snapshot_file:
            for day in self._timeline.snapshot_days:
                snapshot = _latest(table.filter(pl.col(_DAY) <= day), entity)
                self._write(self._file(name, day, is_snapshot=True), snapshot)

    def _file(self, name: str, day: int, *, is_snapshot: bool) -> ExtractFile:
        handle = self._files.get((name, day, is_snapshot))
        if handle is None:
            entity = self.entity(name)
            file_name = entity.snapshot_file if is_snapshot else entity.file_pattern
            folder = self._landing / entity.source / date_of(day).isoformat()
            path = folder / str(file_name)
            handle = ExtractFile(
                name=name,
                entity=entity,
                day=day,
                path=path,
                relative=path.relative_to(self._landing).as_posix(),
                is_snapshot=is_snapshot,
                header=self._header(name, entity, day, is_snapshot),
            )
            handle.temporary.unlink(missing_ok=True)
            self._files[(name, day, is_snapshot)] = handle
        return handle

    def _header(self, name: str, entity: Entity, day: int, is_snapshot: bool) -> bytes:
        fmt = entity.format
        if fmt.kind != "csv":
            return b""
        names = [c.source_name for c in entity.columns]
        renamed = None if is_snapshot else self._plan.renamed_columns.get((name, day))
        if renamed:
            names = [renamed[1] if n == renamed[0] else n for n in names]
        added = self._plan.added_column(name, day, is_snapshot=is_snapshot)
        if added:
            names.append(added[0])
        return (fmt.separator.join(names) + "\n").encode(fmt.encoding)

    def _write(self, handle: ExtractFile, part: pl.DataFrame) -> None:
        """Append a sorted part to its file, recording where its tagged rows land."""
        if part.height == 0:
            return
        if handle.is_snapshot:
            part = part.drop([c for c in (*TAG_COLUMNS, COPY) if c in part.columns])
        elif handle.day in self._plan.empty_days.get(handle.name, []):
            raise ValueError(f"{handle.relative}: rows for a file planned empty")
        entity = handle.entity
        if not handle.is_snapshot:
            self.rows_by_entity[handle.name] += part.height
        if entity.format.kind == "parquet":
            handle.parts.append(part.select(entity.column_names))
            handle.rows += part.height
            return
        first_line = handle.lines + 1
        if not handle.started and handle.header:
            first_line += 1
        self._record_tags(handle, part, first_line)
        added = self._plan.added_column(handle.name, handle.day, is_snapshot=handle.is_snapshot)
        payload = encode_rows(part, entity, added)
        with handle.temporary.open("ab") as out:
            if not handle.started:
                out.write(handle.header)
                handle.lines += 1 if handle.header else 0
                handle.started = True
            out.write(payload)
        handle.lines += part.height
        handle.rows += part.height
        last = part.tail(1)
        handle.last_key = last.select(record_key(entity)).item()
        handle.last_clean = (DEFECT not in last.columns or last[DEFECT].is_null().all()) and (
            COPY not in last.columns or not last[COPY].any()
        )

    def _record_tags(self, handle: ExtractFile, part: pl.DataFrame, first_line: int) -> None:
        if handle.is_snapshot:
            return
        tagged = row_defects(part, handle.entity, handle.relative, first_line)
        if tagged is not None:
            handle.has_defects = True
            self._defects.append(tagged)

    def finish(self) -> WriteResult:
        """Complete every file, inject the file-level defects, mark each folder done."""
        for name in self.rows_by_entity:
            entity = self.entity(name)
            for day in self._timeline.extract_days:
                self._file(name, day, is_snapshot=False)
            if entity.snapshot_file:
                for day in self._timeline.snapshot_days:
                    self._file(name, day, is_snapshot=True)
        rng = rng_for(self._seed, "defects.files.finish")
        files = in_delivery_order(self._files)
        self._defects += header_defects(files, self._plan)
        self._defects += truncate_last_lines(files, self._plan, self._timeline, rng)
        for handle in self._files.values():
            self._complete(handle)
        resent = resend_files(files, self._plan, self._timeline, self._landing, rng)
        self._defects += resent
        for source in self._contracts:
            for day in self._timeline.extract_days:
                folder = self._landing / source / date_of(day).isoformat()
                atomic_write(folder / SUCCESS_MARKER, b"")
        return WriteResult(
            files_written=len(self._files) + len(resent),
            rows_by_entity=self.rows_by_entity,
            defects=one_row_per_defect(self._defects),
        )

    def _complete(self, handle: ExtractFile) -> None:
        """Write what is still missing of a file and move it into place."""
        entity = handle.entity
        if not handle.is_snapshot and handle.day in self._plan.empty_days.get(handle.name, []):
            atomic_write(handle.path, b"")
            return
        if entity.format.kind == "parquet":
            frame = pl.concat(handle.parts) if handle.parts else empty_frame(entity)
            atomic_write(handle.path, encode(frame, entity))
            return
        if not handle.started:
            handle.temporary.write_bytes(handle.header)
        os.replace(handle.temporary, handle.path)


def _by_extract_day(
    frame: pl.DataFrame, entity: Entity, timeline: Timeline
) -> dict[int, pl.DataFrame]:
    """Rows of each extract day, sorted by key; the first day holds the latest version of all.

    Raises if two versions of a record share a key on the same day: a source exports a record
    once per extract, so that would be a generator bug.
    """
    key = list(entity.key)
    if frame.select(pl.struct([*key, _DAY]).is_duplicated().any()).item():
        raise ValueError(f"{entity.source}.{entity.name}: two versions of a key on one day")
    parts = {timeline.start: _latest(frame.filter(pl.col(_DAY) <= timeline.start), entity)}
    deltas = frame.filter(pl.col(_DAY) > timeline.start).sort([_DAY, *key])
    for (day,), part in deltas.partition_by(_DAY, as_dict=True, maintain_order=True).items():
        parts[int(day)] = part
    return parts


def _latest(frame: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """The latest version of each record, sorted by key."""
    key = list(entity.key)
    return frame.sort([*key, _DAY]).unique(subset=key, keep="last", maintain_order=True)

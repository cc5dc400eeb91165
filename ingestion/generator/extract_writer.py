"""Write entity rows into the landing layout, one folder per source and extract date.

The generator builds every entity as typed rows with an `_extract_on` date: the day that
version of the record was created or changed. This module turns them into what a source system
would have exported: a full extract on the first date (the latest version of every record up to
it), then one delta per day, each file formatted as the entity's contract says, plus a weekly
full snapshot of the ERP master data on Mondays.

Blocks of customers are appended to the files one after the other (see `blocks.py`), so the
writer keeps, per file, how many lines it holds: that is how a defect-tagged row's physical line
number is known without reading the file back. `finish` then applies the defects that need the
complete file (a truncated last line, a file delivered twice), renames every file into place and
marks each folder done.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from ingestion.contracts import Column, Entity, FileFormat, SourceContract
from ingestion.generator.file_defects import (
    ADDED_COLUMNS,
    EXPECTED_OUTCOME,
    RESEND_DELAY_DAYS,
    TRUNCATION_TARGETS,
    FileDefectPlan,
    choose,
)
from ingestion.generator.randomness import rng_for
from ingestion.generator.row_defects import COPY
from ingestion.generator.tags import (
    CODE_SEPARATOR,
    COLUMN,
    DEFECT,
    DETAIL,
    DETAIL_SEPARATOR,
    TAG_COLUMNS,
    VALUE,
)
from ingestion.generator.timeline import Timeline, date_of

SUCCESS_MARKER = "_SUCCESS"
_EXTRACT_ON = "_extract_on"
_DAY = "_day"
_KEY = "_key"
_POSITION = "_position"
DEFECT_SCHEMA: dict[str, pl.DataType] = {
    "defect": pl.String(),
    "source": pl.String(),
    "entity": pl.String(),
    "file": pl.String(),
    "row_number": pl.Int64(),
    "record_key": pl.String(),
    "expected_outcome": pl.String(),
    "detail": pl.String(),
}


@dataclass(frozen=True)
class WriteResult:
    """What the writer produced.

    Entity files (markers not counted), rows per entity in the full and delta files (snapshots
    not counted), and one row per injected defect.
    """

    files_written: int
    rows_by_entity: dict[str, int]
    defects: pl.DataFrame


@dataclass
class _File:
    """One extract file being assembled."""

    name: str
    entity: Entity
    day: int
    path: Path
    relative: str
    is_snapshot: bool
    header: bytes = b""
    lines: int = 0
    rows: int = 0
    started: bool = False
    last_key: str | None = None
    last_clean: bool = False
    has_defects: bool = False
    parts: list[pl.DataFrame] = field(default_factory=list)

    @property
    def temporary(self) -> Path:
        """Hidden name the file is assembled under; readers ignore dot files."""
        return self.path.with_name(f".{self.path.name}.tmp")


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
        self._files: dict[tuple[str, int, bool], _File] = {}
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

    def _file(self, name: str, day: int, *, is_snapshot: bool) -> _File:
        handle = self._files.get((name, day, is_snapshot))
        if handle is None:
            entity = self.entity(name)
            file_name = entity.snapshot_file if is_snapshot else entity.file_pattern
            folder = self._landing / entity.source / date_of(day).isoformat()
            path = folder / str(file_name)
            handle = _File(
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

    def _added_column(self, name: str, day: int, is_snapshot: bool) -> tuple[str, pl.Expr] | None:
        first = self._plan.added_columns.get(name)
        if is_snapshot or first is None or day < first:
            return None
        return ADDED_COLUMNS[name]

    def _header(self, name: str, entity: Entity, day: int, is_snapshot: bool) -> bytes:
        fmt = entity.format
        if fmt.kind != "csv":
            return b""
        names = [c.source_name for c in entity.columns]
        renamed = None if is_snapshot else self._plan.renamed_columns.get((name, day))
        if renamed:
            names = [renamed[1] if n == renamed[0] else n for n in names]
        added = self._added_column(name, day, is_snapshot)
        if added:
            names.append(added[0])
        return (fmt.separator.join(names) + "\n").encode(fmt.encoding)

    def _write(self, handle: _File, part: pl.DataFrame) -> None:
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
        added = self._added_column(handle.name, handle.day, handle.is_snapshot)
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
        handle.last_key = last.select(_key_expr(entity)).item()
        handle.last_clean = (DEFECT not in last.columns or last[DEFECT].is_null().all()) and (
            COPY not in last.columns or not last[COPY].any()
        )

    def _record_tags(self, handle: _File, part: pl.DataFrame, first_line: int) -> None:
        if handle.is_snapshot or DEFECT not in part.columns:
            return
        tagged = (
            part.with_row_index(_POSITION)
            .filter(pl.col(DEFECT).is_not_null())
            .select(
                pl.col(DEFECT).str.split(CODE_SEPARATOR),
                pl.col(DETAIL).str.split(DETAIL_SEPARATOR),
                (pl.col(_POSITION).cast(pl.Int64) + first_line).alias("row_number"),
                _key_expr(handle.entity).alias("record_key"),
            )
            .explode(DEFECT, DETAIL)
        )
        if tagged.height == 0:
            return
        handle.has_defects = True
        self._defects.append(
            tagged.select(
                defect=pl.col(DEFECT),
                source=pl.lit(handle.entity.source),
                entity=pl.lit(handle.entity.name),
                file=pl.lit(handle.relative),
                row_number="row_number",
                record_key="record_key",
                expected_outcome=pl.col(DEFECT).replace_strict(EXPECTED_OUTCOME),
                detail=pl.col(DETAIL),
            )
        )

    def _file_defect(self, code: str, handle_or_path: _File | str, detail: str) -> None:
        relative = handle_or_path if isinstance(handle_or_path, str) else handle_or_path.relative
        source, _, _ = relative.split("/", 2)
        entity = "" if isinstance(handle_or_path, str) else handle_or_path.entity.name
        self._defects.append(
            pl.DataFrame(
                {
                    "defect": [code],
                    "source": [source],
                    "entity": [entity],
                    "file": [relative],
                    "row_number": [None],
                    "record_key": [None],
                    "expected_outcome": [EXPECTED_OUTCOME[code]],
                    "detail": [detail],
                },
                schema=DEFECT_SCHEMA,
            )
        )

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
        self._header_defects()
        truncated = self._truncate(rng)
        for handle in self._files.values():
            self._complete(handle)
        resent = self._resend(rng, truncated)
        for source in self._contracts:
            for day in self._timeline.extract_days:
                folder = self._landing / source / date_of(day).isoformat()
                _atomic_write(folder / SUCCESS_MARKER, b"")
        defects = _one_row_per_defect(self._defects)
        return WriteResult(
            files_written=len(self._files) + resent,
            rows_by_entity=self.rows_by_entity,
            defects=defects,
        )

    def _header_defects(self) -> None:
        for (name, day, is_snapshot), handle in sorted(self._files.items(), key=_order):
            if is_snapshot:
                continue
            if day in self._plan.empty_days.get(name, []):
                self._file_defect(
                    "empty_file",
                    handle,
                    "0 bytes, not even a header; the day's records come in the next extract",
                )
                handle.has_defects = True
                continue
            added = self._added_column(name, day, is_snapshot)
            if added:
                first = date_of(self._plan.added_columns[name]).isoformat()
                detail = f"column {added[0]} appended to the header from {first} on"
                self._file_defect("added_column", handle, detail)
                handle.has_defects = True
            renamed = self._plan.renamed_columns.get((name, day))
            if renamed:
                detail = (
                    f"header {renamed[0]} renamed {renamed[1]} in this file only: the column "
                    "loads empty"
                )
                self._file_defect("renamed_column", handle, detail)
                handle.has_defects = True

    def _truncate(self, rng: np.random.Generator) -> set[str]:
        """Cut the last line of some single-version ERP files in the middle."""
        candidates = [
            handle
            for (name, day, is_snapshot), handle in sorted(self._files.items(), key=_order)
            if not is_snapshot
            and name in TRUNCATION_TARGETS
            and day > self._timeline.start
            and handle.rows >= 2
            and handle.last_clean
            and day not in self._plan.empty_days.get(name, [])
        ]
        chosen = choose(rng, candidates, self._plan.truncated_files)
        for handle in chosen:
            content = handle.temporary.read_bytes()
            start = content.rindex(b"\n", 0, len(content) - 1) + 1
            line = content[start:-1]
            # cut before the last separator at the latest, so the row is short of a field
            separator = handle.entity.format.separator.encode(handle.entity.format.encoding)
            keep = max(1, min(len(line) // 2, line.rfind(separator)))
            handle.temporary.write_bytes(content[: start + keep])
            self._defects.append(
                pl.DataFrame(
                    {
                        "defect": ["truncated_line"],
                        "source": [handle.entity.source],
                        "entity": [handle.entity.name],
                        "file": [handle.relative],
                        "row_number": [handle.lines],
                        "record_key": [handle.last_key],
                        "expected_outcome": [EXPECTED_OUTCOME["truncated_line"]],
                        "detail": [
                            f"last line cut after {keep} of {len(line)} bytes, no final newline"
                        ],
                    },
                    schema=DEFECT_SCHEMA,
                )
            )
            handle.has_defects = True
        return {h.relative for h in chosen}

    def _complete(self, handle: _File) -> None:
        """Write what is still missing of a file and move it into place."""
        entity = handle.entity
        if not handle.is_snapshot and handle.day in self._plan.empty_days.get(handle.name, []):
            _atomic_write(handle.path, b"")
            return
        if entity.format.kind == "parquet":
            frame = pl.concat(handle.parts) if handle.parts else _empty(entity)
            _atomic_write(handle.path, encode(frame, entity))
            return
        if not handle.started:
            handle.temporary.write_bytes(handle.header)
        os.replace(handle.temporary, handle.path)

    def _resend(self, rng: np.random.Generator, truncated: set[str]) -> int:
        """Deliver some files a second time, byte for byte, in a later day's folder."""
        end = self._timeline.end
        candidates = [
            handle
            for (_, day, is_snapshot), handle in sorted(self._files.items(), key=_order)
            if not is_snapshot
            and self._timeline.start < day < end
            and handle.rows > 0
            and not handle.has_defects
            and handle.relative not in truncated
            and handle.entity.format.kind == "csv"
        ]
        written: set[Path] = set()
        for handle in choose(rng, candidates, self._plan.resent_files):
            delay = int(rng.integers(*RESEND_DELAY_DAYS))
            day = min(handle.day + delay, end)
            stem, _, suffix = handle.path.name.rpartition(".")
            folder = self._landing / handle.entity.source / date_of(day).isoformat()
            target = folder / f"{stem}_resent.{suffix}"
            if target in written:
                continue
            _atomic_write(target, handle.path.read_bytes())
            written.add(target)
            relative = target.relative_to(self._landing).as_posix()
            self._defects.append(
                pl.DataFrame(
                    {
                        "defect": ["duplicate_file"],
                        "source": [handle.entity.source],
                        "entity": [handle.entity.name],
                        "file": [relative],
                        "row_number": [None],
                        "record_key": [None],
                        "expected_outcome": [EXPECTED_OUTCOME["duplicate_file"]],
                        "detail": [f"same bytes as {handle.relative}"],
                    },
                    schema=DEFECT_SCHEMA,
                )
            )
        return len(written)


def _order(item: tuple[tuple[str, int, bool], _File]) -> tuple[int, str, bool]:
    (name, day, is_snapshot), _ = item
    return day, name, is_snapshot


def _one_row_per_defect(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """One row per injected defect: a record tagged in several files counts where first sent."""
    if not parts:
        return pl.DataFrame(schema=DEFECT_SCHEMA)
    frame = pl.concat(parts).with_columns(_date=pl.col("file").str.split("/").list.get(1))
    keyed = (
        frame.filter(pl.col("record_key").is_not_null())
        .sort("_date", "file", "row_number")
        .unique(["defect", "source", "entity", "record_key"], keep="first", maintain_order=True)
    )
    files = frame.filter(pl.col("record_key").is_null())
    return (
        pl.concat([keyed, files])
        .sort("_date", "source", "file", "row_number", "defect", nulls_last=True)
        .drop("_date")
    )


def _key_expr(entity: Entity) -> pl.Expr:
    """The business key as text, parts joined by `|`."""
    return pl.concat_str([pl.col(k).cast(pl.String) for k in entity.key], separator="|")


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


def _empty(entity: Entity) -> pl.DataFrame:
    return pl.DataFrame(schema={c.name: _typed_dtype(c) for c in entity.columns})


def encode(frame: pl.DataFrame, entity: Entity) -> bytes:
    """The bytes of one complete extract file of `entity` holding `frame` (canonical columns)."""
    fmt = entity.format
    if fmt.kind == "parquet":
        buffer = io.BytesIO()
        frame.select(_typed(c) for c in entity.columns).write_parquet(buffer, statistics=True)
        return buffer.getvalue()
    header = b""
    if fmt.kind == "csv":
        header = (fmt.separator.join(c.source_name for c in entity.columns) + "\n").encode(
            fmt.encoding
        )
    return header + encode_rows(frame, entity)


def encode_rows(
    frame: pl.DataFrame, entity: Entity, added: tuple[str, pl.Expr] | None = None
) -> bytes:
    """The rows of a CSV or JSON Lines file (no header), malformed where tagged so."""
    fmt = entity.format
    if frame.height == 0:
        return b""
    if fmt.kind == "jsonl":
        values = [_json_value(c, fmt) for c in entity.columns]
    else:
        values = [_text(c, fmt) for c in entity.columns]
    if added:
        values.append(added[1].alias(added[0]))
    names = [c.source_name for c in entity.columns] + ([added[0]] if added else [])
    tags = [pl.col(c) for c in (COLUMN, VALUE) if c in frame.columns]
    text = frame.select(*values, *tags)
    if len(tags) == 2:
        text = _spoil(text, entity)
    text = text.select(names)
    if fmt.kind == "jsonl":
        return text.write_ndjson().encode(fmt.encoding)
    csv = text.write_csv(
        separator=fmt.separator,
        quote_style="necessary",
        null_value="",
        line_terminator="\n",
        include_header=False,
    )
    # strict: every generated string is meant to be representable in the file's encoding
    return csv.encode(fmt.encoding)


def _spoil(text: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """Replace the text of tagged cells: a fixed bad value, an empty key, a negated quantity."""
    targets = set(text[COLUMN].drop_nulls().unique().to_list())
    updates = []
    for column in entity.columns:
        if column.name not in targets:
            continue
        current = pl.col(column.source_name)
        bad = pl.coalesce(pl.col(VALUE), pl.concat_str(pl.lit("-"), current))
        if entity.format.kind == "jsonl":
            bad = pl.when(bad == "").then(None).otherwise(bad)
        updates.append(
            pl.when(pl.col(COLUMN) == column.name)
            .then(bad)
            .otherwise(current)
            .alias(column.source_name)
        )
    return text.with_columns(updates) if updates else text


def _typed_dtype(column: Column) -> pl.DataType:
    return {
        "string": pl.String(),
        "integer": pl.Int64(),
        "decimal": pl.Decimal(18, column.scale),
        "boolean": pl.Boolean(),
        "date": pl.Date(),
        "timestamp": pl.Datetime("us"),
    }[column.type]


def _typed(column: Column) -> pl.Expr:
    """A column with the Parquet type its contract declares (UTC timestamps, exact decimals)."""
    expr = pl.col(column.name)
    if column.type == "decimal":
        expr = expr.cast(pl.Float64).cast(pl.Decimal(18, column.scale))
    elif column.type == "timestamp":
        expr = expr.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    else:
        expr = expr.cast(_typed_dtype(column))
    return expr.alias(column.source_name)


def _json_value(column: Column, fmt: FileFormat) -> pl.Expr:
    """JSON-native values: numbers and booleans as such, dates and timestamps as strings."""
    expr = pl.col(column.name)
    if column.type in ("date", "timestamp"):
        return _text(column, fmt)
    if column.type == "decimal":
        expr = expr.cast(pl.Float64).round(column.scale)
    return expr.cast(_typed_dtype(column) if column.type != "decimal" else pl.Float64).alias(
        column.source_name
    )


def _text(column: Column, fmt: FileFormat) -> pl.Expr:
    """A column as the text the contract's format prescribes; nulls stay null (empty field)."""
    expr = pl.col(column.name)
    if column.type == "string":
        text = expr.cast(pl.String)
    elif column.type == "integer":
        text = expr.cast(pl.Int64).cast(pl.String)
    elif column.type == "decimal":
        # through an exact decimal so 1234.5 prints as "1234.50" at scale 2, never "1234.5"
        text = expr.cast(pl.Float64).cast(pl.Decimal(38, column.scale)).cast(pl.String)
        if fmt.decimal_mark != ".":
            text = text.str.replace(".", fmt.decimal_mark, literal=True)
    elif column.type == "boolean":
        text = (
            pl.when(expr.cast(pl.Boolean))
            .then(pl.lit(fmt.true_values[0]))
            .when(~expr.cast(pl.Boolean))
            .then(pl.lit(fmt.false_values[0]))
        )
    elif column.type == "date":
        text = expr.cast(pl.Date).dt.strftime(fmt.date_format)
    else:
        text = expr.cast(pl.Datetime("us")).dt.strftime(fmt.timestamp_format)
    return text.alias(column.source_name)


def _atomic_write(path: Path, payload: bytes) -> None:
    """Write to a hidden temporary name, then rename: readers never see a partial file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, path)

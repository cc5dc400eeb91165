"""Load a source whose files are a system's native export, mapped by its preset.

One delivery (`<landing>/<source>/<YYYY-MM-DD>/`) at a time, because a mapping may join several
native files of the same delivery (NetSuite's transactions and their lines):

1. each native file is read and checked against the preset's native contract, as a built-in
   extract is (rows that do not parse are quarantined with the native column's name);
2. the preset's SQL maps the native tables onto the canonical entities (`mapping.py`);
3. the canonical rows are checked against the canonical contract and written to the raw area
   under the canonical entity, where dbt reads them as if the built-in extracts had been
   delivered;
4. every native file gets its load-log row, written last (the commit record), with
   rows read = rows loaded + rows quarantined + rows erased, counted in native rows: a native
   row is loaded when every canonical row made from it loaded, and quarantined, with every
   reason, otherwise (it did not parse, a skip rule names it, no mapping takes it, or a
   canonical row made from it broke the canonical contract).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from ingestion.contracts import Entity, SourceContract
from ingestion.contracts.model import PARQUET_TEXT
from ingestion.erased_rows import NO_ERASURES, ErasedRows
from ingestion.landing import LandedFile, landed_files
from ingestion.load import (
    DUPLICATE,
    LOADED,
    REJECTED,
    UNKNOWN,
    FileLoad,
    _has_records,
    _now,
    _quarantine_frame,
    _write_log,
    file_hash,
)
from ingestion.presets.mapping import (
    FILE_SHIFT,
    NATIVE_ID,
    NATIVE_IDS,
    MappedEntity,
    native_id,
    run_mapping,
    split_native_id,
)
from ingestion.presets.model import Preset
from ingestion.raw_records import FIELD_COUNT, RAW_LINE, ROW_NUMBER, UnreadableFileError
from ingestion.raw_store import (
    ensure_empty_tables,
    entity_dir,
    entity_schema,
    quarantine_dir,
    read_load_log,
    write_atomically,
)
from ingestion.readers import read_extract_chunks as read_chunks
from ingestion.validate import REASON, validate_records

log = logging.getLogger(__name__)

CANONICAL_TEXT = {**PARQUET_TEXT, "kind": "parquet", "timestamp_format": "%Y-%m-%d %H:%M:%S%.f"}
"""The form the mapping renders canonical values in (`mapping._as_canonical_text`)."""
_FILE_KINDS = {".parquet": "parquet", ".jsonl": "jsonl", ".csv": "csv", ".txt": "csv"}


def native_entity_for(entity: Entity, path: Path) -> Entity:
    """The native table's contract with the file kind its extension says.

    One export can come as CSV from the system and as Parquet from a connector; the columns and
    the mapping are the same, only the reader differs.
    """
    kind = _FILE_KINDS.get(path.suffix.lower())
    if kind is None or kind == entity.format.kind:
        return entity
    text = PARQUET_TEXT if kind == "parquet" else {}
    return replace(entity, format=replace(entity.format, kind=kind, **text))


@dataclass
class _NativeFile:
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


def _file_load(native: _NativeFile, status: str, message: str) -> FileLoad:
    entity = native.landed.entity.name if native.landed.entity else None
    return FileLoad(native.load_id, native.landed.relative_path, entity, status, 0, 0, 0, message)


def _read_native(native: _NativeFile, fill_down: tuple[str, ...], erased: ErasedRows) -> None:
    """Read and check one native file; rows that fail keep their reasons.

    `fill_down` columns, written by the exporter on a record's first line only, are carried
    down to the lines below before the checks. Rows of erased people (`erased`) are dropped
    first and counted, as in `ingestion.load`.
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
        native.result = _file_load(
            native, REJECTED, f"{landed.relative_path}: file rejected: {exc}"
        )
        return
    native.typed = pl.concat(frames).with_columns(native_id(native.index, pl.col(ROW_NUMBER)))
    native.raw_lines = pl.concat(raws)
    native.reasons = defaultdict(list)
    for row in pl.concat(quarantined).iter_rows(named=True):
        native.reasons[row[ROW_NUMBER]].append(row[REASON])
    native.notes = notes


def _delivery_hash(files: list[_NativeFile]) -> str:
    digest = hashlib.sha256()
    for native in sorted(files, key=lambda f: f.landed.relative_path):
        digest.update(native.content_hash.encode())
    return digest.hexdigest()[:12]


def _canonical_rows(mapped: MappedEntity) -> pl.DataFrame:
    """The mapped text rows in the shape the canonical checks take (one index per row)."""
    return mapped.frame.with_row_index("__index").with_columns(
        pl.col("__index").cast(pl.Int64).alias(ROW_NUMBER),
        pl.lit(None, dtype=pl.String).alias(RAW_LINE),
        pl.lit(-1, dtype=pl.Int64).alias(FIELD_COUNT),
    )


@dataclass(frozen=True)
class _Delivery:
    """One delivery's native files and the audit values its canonical rows carry."""

    source: str
    raw_dir: Path
    extract_date: dt.date
    delivery_hash: str
    loaded_at: dt.datetime
    files: dict[int, _NativeFile]

    def load_id(self, entity: str) -> str:
        """The canonical rows of one entity from this delivery are one load."""
        return f"{self.source}-{entity}-{self.extract_date:%Y%m%d}-{self.delivery_hash}"


def _write_entity(
    delivery: _Delivery, mapped: MappedEntity, failed: dict[int, list[str]]
) -> set[int]:
    """Check one canonical entity's rows and write those that pass.

    Returns the native ids behind the rows written; the reasons of rows that failed are added to
    `failed` under each native id behind them.
    """
    entity = mapped.entity
    check_entity = replace(entity, format=replace(entity.format, **CANONICAL_TEXT))
    rows = _canonical_rows(mapped)
    # The canonical contract's plausibility window applies to what a preset maps, as to c360's
    # own extracts; a native table has no window of its own (a CRM's close dates run ahead).
    checked = validate_records(
        rows.drop("__index", NATIVE_IDS), check_entity, None, extract_date=delivery.extract_date
    )
    ids = rows.select(ROW_NUMBER, NATIVE_IDS)
    for index, reason in checked.quarantined.select(ROW_NUMBER, REASON).iter_rows():
        for native in ids[NATIVE_IDS][index]:
            failed[native].append(f"{entity.name}: {reason}")
    file_index, row_number = split_native_id(pl.col(NATIVE_IDS).list.first())
    paths = {i: f.landed.relative_path for i, f in delivery.files.items()}
    load_id = delivery.load_id(entity.name)
    data = checked.loaded.join(ids, on=ROW_NUMBER).with_columns(
        pl.lit(load_id).alias("_load_id"),
        file_index.replace_strict(paths, return_dtype=pl.String).alias("_source_file"),
        pl.lit(delivery.extract_date).alias("_extract_date"),
        row_number.alias(ROW_NUMBER),
        pl.lit(False).alias("_is_snapshot"),
        pl.lit(delivery.loaded_at).alias("_loaded_at"),
    )
    written = set(data[NATIVE_IDS].explode().to_list()) if data.height else set()
    schema = entity_schema(entity)
    data = data.select(list(schema)).cast(schema)
    write_atomically(data, entity_dir(delivery.raw_dir, entity) / f"{load_id}.parquet")
    return written


def _unmapped_note(mapped: MappedEntity) -> list[str]:
    notes = []
    for column, values in mapped.unmapped_values.items():
        shown = ", ".join(f"'{v}' ({n})" for v, n in values.most_common(5))
        more = f" and {len(values) - 5} more" if len(values) > 5 else ""
        notes.append(
            f"{mapped.entity.name}.{column}: {len(values)} value(s) the preset does not map: "
            f"{shown}{more}"
        )
    return notes


def _finish_file(
    native: _NativeFile,
    preset: Preset,
    mapped: list[MappedEntity],
    outcome: dict[int, list[str]],
    written: set[int],
) -> pl.DataFrame:
    """Count one native file's rows as loaded or quarantined; its quarantine rows."""
    assert native.typed is not None and native.raw_lines is not None
    assert native.reasons is not None and native.notes is not None
    table = native.landed.entity.name if native.landed.entity else ""
    reasons: dict[int, list[str]] = defaultdict(list)
    for row_number, found in native.reasons.items():
        reasons[row_number] += found
    base = native.index << FILE_SHIFT
    is_lookup = table in preset.lookup_tables
    takers = [m.entity for m in preset.mappings_from(table)]
    for native_id_, row_number in native.typed.select(NATIVE_ID, ROW_NUMBER).iter_rows():
        if native_id_ in outcome:
            reasons[row_number] += outcome[native_id_]
        elif not is_lookup and native_id_ not in written:
            reasons[row_number].append(
                f"no entity of preset {preset.name} takes this {table} row"
                + (f" (mapped: {', '.join(takers)})" if takers else "")
            )
        assert native_id_ - base == row_number
    quarantined = (
        pl.DataFrame(
            {ROW_NUMBER: list(reasons), REASON: ["; ".join(r) for r in reasons.values()]},
            schema={ROW_NUMBER: pl.Int64, REASON: pl.String},
        )
        .join(native.raw_lines, on=ROW_NUMBER, how="left")
        .sort(ROW_NUMBER)
    )
    rows_read = native.raw_lines.height + native.rows_erased
    notes = list(native.notes)
    if native.rows_erased:
        notes.append(f"{native.rows_erased} row(s) of erased people dropped")
    for entity in mapped:
        # Only the values of this table's own rows (Task's, not Event's, for activities).
        if entity.driving_table == table:
            notes += _unmapped_note(entity)
    if quarantined.height:
        first = quarantined.row(0, named=True)
        notes.append(
            f"{quarantined.height} row(s) quarantined, first at row {first[ROW_NUMBER]}: "
            f"{first[REASON]}"
        )
    native.result = FileLoad(
        native.load_id,
        native.landed.relative_path,
        table,
        LOADED,
        rows_read,
        rows_read - native.rows_erased - quarantined.height,
        quarantined.height,
        "; ".join(notes),
        native.rows_erased,
    )
    return quarantined


def _stacked(entities: list[MappedEntity]) -> list[MappedEntity]:
    """One frame per canonical entity: the rows of its several mappings stacked."""
    by_name: dict[str, list[MappedEntity]] = defaultdict(list)
    for mapped in entities:
        by_name[mapped.entity.name].append(mapped)
    stacked = []
    for parts in by_name.values():
        unknown: dict[str, Counter[str]] = defaultdict(Counter)
        for part in parts:
            for column, values in part.unmapped_values.items():
                unknown[column] += values
        frame = pl.concat([p.frame for p in parts], how="vertical_relaxed")
        stacked.append(MappedEntity(parts[0].entity, frame, dict(unknown)))
    return stacked


def _new_native_file(landed: LandedFile, index: int, source: str) -> _NativeFile:
    content_hash = file_hash(landed.path)
    table = landed.entity.name if landed.entity else landed.path.stem
    load_id = f"{source}-{table}-{landed.extract_date:%Y%m%d}-{content_hash[:12]}"
    return _NativeFile(landed, index, content_hash, _now(), load_id)


def load_delivery(
    contract: SourceContract,
    preset: Preset,
    files: list[LandedFile],
    raw_dir: Path,
    seen_hashes: set[str],
    erased: ErasedRows = NO_ERASURES,
) -> list[FileLoad]:
    """Read, map, check and write the new native files of one delivery; log each file.

    Files already loaded under another name are logged as duplicates and left out of the
    mapping, as with the built-in extracts.
    """
    natives = [_new_native_file(landed, i, contract.source) for i, landed in enumerate(files)]
    readable: dict[int, _NativeFile] = {}
    for native in natives:
        landed = native.landed
        if landed.entity is None:
            native.result = _file_load(
                native,
                UNKNOWN,
                f"{landed.relative_path}: no table of preset {preset.name} matches this file name",
            )
        elif native.content_hash in seen_hashes and _has_records(
            replace(landed, entity=native_entity_for(landed.entity, landed.path))
        ):
            native.load_id += "-dup"
            native.result = _file_load(
                native, DUPLICATE, f"{landed.relative_path}: same content already loaded; skipped"
            )
        else:
            _read_native(native, preset.fill_down.get(landed.entity.name, ()), erased)
            if native.result is None:
                readable[native.index] = native
    quarantines: list[tuple[_NativeFile, pl.DataFrame]] = []
    if readable:
        tables: dict[str, list[pl.DataFrame]] = defaultdict(list)
        for native in readable.values():
            assert native.landed.entity is not None and native.typed is not None
            tables[native.landed.entity.name].append(native.typed)
        result = run_mapping(
            preset,
            contract.entities,
            {name: pl.concat(f) for name, f in tables.items()},
            files[0].extract_date,
        )
        delivery = _Delivery(
            contract.source,
            raw_dir,
            files[0].extract_date,
            _delivery_hash(list(readable.values())),
            _now(),
            readable,
        )
        outcome: dict[int, list[str]] = defaultdict(list)
        for reason, ids in result.skipped.items():
            for native in ids[NATIVE_ID].to_list():
                outcome[native].append(reason)
        written: set[int] = set()
        for mapped in _stacked(result.entities):
            written |= _write_entity(delivery, mapped, outcome)
        for native in readable.values():
            quarantined = _finish_file(native, preset, result.entities, outcome, written)
            quarantines.append((native, quarantined))
    for native, quarantined in quarantines:
        if quarantined.height:
            write_atomically(
                _quarantine_frame(native.landed, native.load_id, quarantined),
                quarantine_dir(raw_dir) / f"{native.load_id}.parquet",
            )
    results = []
    for native in natives:
        assert native.result is not None
        _write_log(raw_dir, native.landed, native.result, native.content_hash, native.started_at)
        if native.result.status != LOADED or native.result.rows_quarantined:
            log.warning("%s", native.result.message)
        results.append(native.result)
    return results


def ingest_preset_source(
    contract: SourceContract,
    preset: Preset,
    landing_dir: Path,
    raw_dir: Path,
    erased: ErasedRows = NO_ERASURES,
) -> list[FileLoad]:
    """Load every delivery of a preset source not loaded yet, oldest first.

    Rows carrying an identifier in `erased` (the erasure ledger) are dropped and counted.
    """
    ensure_empty_tables(raw_dir, list(contract.entities.values()))
    history = read_load_log(raw_dir)
    seen_files = set(history["source_file"].to_list())
    seen_hashes = set(history.filter(pl.col("status") == LOADED)["file_hash"].to_list())
    by_date: dict[dt.date, list[LandedFile]] = defaultdict(list)
    native = replace(contract, entities=preset.native.entities)
    for landed in landed_files(landing_dir, native):
        if landed.relative_path not in seen_files:
            by_date[landed.extract_date].append(landed)
    results: list[FileLoad] = []
    for extract_date in sorted(by_date):
        results += load_delivery(
            contract, preset, by_date[extract_date], raw_dir, seen_hashes, erased
        )
        loaded = read_load_log(raw_dir).filter(pl.col("status") == LOADED)
        seen_hashes |= set(loaded["file_hash"].to_list())
    return results

"""Load a source whose files are a system's native export, mapped by its preset.

One delivery (`<landing>/<source>/<YYYY-MM-DD>/`) at a time, because a mapping may join several
native files of the same delivery (NetSuite's transactions and their lines):

1. each native file is read and checked against the preset's native contract, as a built-in
   extract is (rows that do not parse are quarantined with the native column's name;
   `native_files.py`);
2. the preset's SQL maps the native tables onto the canonical entities (`mapping.py`);
3. the canonical rows are checked against the canonical contract and written to the raw area
   under the canonical entity, where dbt reads them as if the built-in extracts had been
   delivered (`canonical_write.py`);
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
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import polars as pl

from ingestion.contracts import SourceContract
from ingestion.erased_rows import NO_ERASURES, ErasedRows
from ingestion.file_loader import quarantine_frame
from ingestion.landing import LandedFile, landed_files
from ingestion.load import has_records
from ingestion.load_log import DUPLICATE, LOADED, UNKNOWN, FileLoad, now, write_log
from ingestion.presets.canonical_write import Delivery, stack_by_entity, write_entity
from ingestion.presets.mapping import FILE_SHIFT, NATIVE_ID, MappedEntity, run_mapping
from ingestion.presets.model import Preset
from ingestion.presets.native_files import (
    NativeFile,
    file_load,
    native_entity_for,
    new_native_file,
    read_native,
)
from ingestion.raw_records import ROW_NUMBER
from ingestion.raw_store import ensure_empty_tables, quarantine_dir, read_load_log, write_atomically
from ingestion.unread_formats import unknown_file_message
from ingestion.validate import REASON

log = logging.getLogger(__name__)


def _delivery_hash(files: list[NativeFile]) -> str:
    digest = hashlib.sha256()
    for native in sorted(files, key=lambda f: f.landed.relative_path):
        digest.update(native.content_hash.encode())
    return digest.hexdigest()[:12]


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
    native: NativeFile,
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
    natives = [new_native_file(landed, i, contract.source) for i, landed in enumerate(files)]
    readable: dict[int, NativeFile] = {}
    for native in natives:
        landed = native.landed
        if landed.entity is None:
            native.result = file_load(
                native,
                UNKNOWN,
                unknown_file_message(
                    landed.relative_path,
                    landed.path.name,
                    f"no table of preset {preset.name} matches this file name",
                ),
            )
        elif native.content_hash in seen_hashes and has_records(
            replace(landed, entity=native_entity_for(landed.entity, landed.path))
        ):
            native.load_id += "-dup"
            native.result = file_load(
                native, DUPLICATE, f"{landed.relative_path}: same content already loaded; skipped"
            )
        else:
            read_native(native, preset.fill_down.get(landed.entity.name, ()), erased)
            if native.result is None:
                readable[native.index] = native
    quarantines: list[tuple[NativeFile, pl.DataFrame]] = []
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
        delivery = Delivery(
            contract.source,
            raw_dir,
            files[0].extract_date,
            _delivery_hash(list(readable.values())),
            now(),
            readable,
        )
        outcome: dict[int, list[str]] = defaultdict(list)
        for reason, ids in result.skipped.items():
            for native in ids[NATIVE_ID].to_list():
                outcome[native].append(reason)
        written: set[int] = set()
        for mapped in stack_by_entity(result.entities):
            written |= write_entity(delivery, mapped, outcome)
        for native in readable.values():
            quarantined = _finish_file(native, preset, result.entities, outcome, written)
            quarantines.append((native, quarantined))
    for native, quarantined in quarantines:
        if quarantined.height:
            write_atomically(
                quarantine_frame(native.landed, native.load_id, quarantined),
                quarantine_dir(raw_dir) / f"{native.load_id}.parquet",
            )
    results = []
    for native in natives:
        assert native.result is not None
        write_log(raw_dir, native.landed, native.result, native.content_hash, native.started_at)
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

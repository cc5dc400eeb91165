"""Check a delivery's mapped canonical rows against the canonical contract and write them.

The rows are written as the canonical entity's raw Parquet, one file per entity and delivery,
carrying the audit columns dbt reads; a row that fails the canonical contract is not written,
and its reasons go back to every native row behind it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from ingestion.contracts.model import PARQUET_TEXT
from ingestion.presets.mapping import NATIVE_IDS, MappedEntity, split_native_id
from ingestion.presets.native_files import NativeFile
from ingestion.raw_records import FIELD_COUNT, RAW_LINE, ROW_NUMBER
from ingestion.raw_store import entity_dir, entity_schema, write_atomically
from ingestion.validate import REASON, validate_records

CANONICAL_TEXT = {**PARQUET_TEXT, "kind": "parquet", "timestamp_format": "%Y-%m-%d %H:%M:%S%.f"}
"""The form the mapping renders canonical values in (`mapping._as_canonical_text`)."""


@dataclass(frozen=True)
class Delivery:
    """One delivery's native files and the audit values its canonical rows carry."""

    source: str
    raw_dir: Path
    extract_date: dt.date
    delivery_hash: str
    loaded_at: dt.datetime
    files: dict[int, NativeFile]

    def load_id(self, entity: str) -> str:
        """The canonical rows of one entity from this delivery are one load."""
        return f"{self.source}-{entity}-{self.extract_date:%Y%m%d}-{self.delivery_hash}"


def write_entity(
    delivery: Delivery, mapped: MappedEntity, failed: dict[int, list[str]]
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


def stack_by_entity(entities: list[MappedEntity]) -> list[MappedEntity]:
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


def _canonical_rows(mapped: MappedEntity) -> pl.DataFrame:
    """The mapped text rows in the shape the canonical checks take (one index per row)."""
    return mapped.frame.with_row_index("__index").with_columns(
        pl.col("__index").cast(pl.Int64).alias(ROW_NUMBER),
        pl.lit(None, dtype=pl.String).alias(RAW_LINE),
        pl.lit(-1, dtype=pl.Int64).alias(FIELD_COUNT),
    )

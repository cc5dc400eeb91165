"""A dry run of ingestion over one delivery: what would load, what would not, and why.

`c360 check <folder>` is the first thing a new user runs on their own export. It loads the
folder exactly as a refresh would (the same readers, preset mapping and checks), but into a
temporary raw area that is thrown away, so what it reports is what a refresh would do, and
nothing in the real raw area or warehouse changes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from ingestion.archives import unpack_archives
from ingestion.contracts import Entity
from ingestion.landing import delivery_files, delivery_instant, match_entity
from ingestion.load_log import REJECTED, UNKNOWN, FileLoad
from ingestion.presets.native_files import native_entity_for
from ingestion.raw_store import entity_dir, quarantine_dir
from ingestion.readers import UnreadableFileError, read_extract_chunks
from ingestion.sources import Source, ingest

SAMPLE_REASONS = 3


@dataclass
class FileFinding:
    """What a refresh would do with one file of the delivery."""

    file: str
    source: str
    table: str | None
    entities: list[str]
    status: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    sample_reasons: list[str] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)
    unmapped_values: list[str] = field(default_factory=list)
    message: str = ""


@dataclass
class CheckReport:
    """Per file findings, and the canonical entities the delivery leaves without rows."""

    folder: str
    files: list[FileFinding]
    rows_by_entity: dict[str, int]
    empty_entities: list[str]
    unpacked: list[str] = field(default_factory=list)  # zip archives, as a refresh unpacks them

    @property
    def rejected(self) -> list[FileFinding]:
        """Files a refresh would reject whole (or that match nothing)."""
        return [f for f in self.files if f.status in (REJECTED, UNKNOWN)]

    def as_dict(self) -> dict:
        """The report as plain data (for `--format json`)."""
        return asdict(self)


def _reason_counts(quarantine: pl.DataFrame, source_file: str) -> list[str]:
    """The most frequent reasons of a file's quarantined rows, with their first line."""
    rows = quarantine.filter(pl.col("source_file") == source_file)
    counts: Counter[str] = Counter()
    first_row: dict[str, int] = {}
    for row_number, reasons in rows.select("row_number", "reason").iter_rows():
        for reason in reasons.split("; "):
            counts[reason] += 1
            first_row.setdefault(reason, row_number)
    return [
        f"{n} row(s), first at line {first_row[reason]}: {reason}"
        for reason, n in counts.most_common(SAMPLE_REASONS)
    ]


def _native_table(source: Source, path: Path) -> Entity | None:
    contract = source.named_by
    entity, _mode = match_entity(contract, path.name)
    return native_entity_for(entity, path) if entity is not None else None


def _file_columns(path: Path, table: Entity) -> tuple[str, ...]:
    try:
        first = next(read_extract_chunks(path, table), None)
    except UnreadableFileError:
        return ()
    return first.extra_columns if first is not None else ()


def _mapped_columns(source: Source, table: str) -> set[str]:
    """Native columns named in any expression of a mapping that reads `table`."""
    assert source.preset is not None
    text = " ".join(
        " ".join(
            [m.joins, m.where or "", *m.group_by]
            + [v if isinstance(v, str) else v.expression for v in m.columns.values()]
        )
        for m in source.preset.mappings
    )
    text += " ".join(s.where for s in source.preset.skips)
    columns = source.preset.native.entities[table].columns
    return {c.name for c in columns if c.name in text}


def _downstream_entities(source: Source, table: str) -> list[str]:
    if source.preset is None:
        return [table]
    return sorted({m.entity for m in source.preset.mappings_from(table)})


def _linked_copy(folder: Path, delivery: Path) -> None:
    """`delivery` as `folder`'s files, each a link to it: what the dry run unpacks stays here."""
    for path in delivery_files(folder):
        link = delivery / path.relative_to(folder)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(path.resolve())


def check_delivery(folder: Path, source: Source) -> CheckReport:
    """Load `folder` as a delivery of `source` into a scratch raw area and report what happened.

    The folder itself is left as it is: a zip archive in it is unpacked in the scratch area, as
    a refresh would unpack it beside itself (`ingestion.archives`).
    """
    extract_date = _folder_date(folder)
    with tempfile.TemporaryDirectory(prefix="c360-check-") as scratch:
        landing = Path(scratch) / "landing"
        delivery = landing / source.name / extract_date.isoformat()
        delivery.mkdir(parents=True)
        _linked_copy(folder, delivery)
        unpacked = [
            f"{u.archive.relative_to(delivery).as_posix()}: {u.files} file(s), read from "
            f"{u.folder.relative_to(delivery).as_posix()}/"
            for u in unpack_archives(delivery)
            if u.folder is not None
        ]
        raw = Path(scratch) / "raw"
        loads = ingest(source, landing, raw)
        quarantine_files = sorted(quarantine_dir(raw).glob("*.parquet"))
        quarantine = pl.concat([pl.read_parquet(p) for p in quarantine_files])
        rows_by_entity = {
            name: sum(
                pl.scan_parquet(p).select(pl.len()).collect().item()
                for p in entity_dir(raw, entity).glob("*.parquet")
            )
            for name, entity in source.contract.entities.items()
        }
        findings = [_finding(source, delivery, load, quarantine) for load in loads]
    empty = sorted(name for name, rows in rows_by_entity.items() if rows == 0)
    return CheckReport(str(folder), findings, rows_by_entity, empty, unpacked)


def _finding(
    source: Source, delivery: Path, load: FileLoad, quarantine: pl.DataFrame
) -> FileFinding:
    """What the dry run did with one file of the scratch `delivery`."""
    path = delivery.joinpath(*Path(load.source_file).parts[2:])  # <source>/<date>/...
    table = _native_table(source, path)
    unmapped_columns: list[str] = []
    if table is not None and load.status not in (REJECTED, UNKNOWN):
        unmapped_columns = list(_file_columns(path, table))
        if source.preset is not None:
            used = _mapped_columns(source, table.name)
            unmapped_columns += [c.name for c in table.columns if c.name not in used]
    return FileFinding(
        file=path.relative_to(delivery).as_posix(),
        source=source.name,
        table=table.name if table else None,
        entities=_downstream_entities(source, table.name) if table else [],
        status=load.status,
        rows_read=load.rows_read,
        rows_loaded=load.rows_loaded,
        rows_quarantined=load.rows_quarantined,
        sample_reasons=_reason_counts(quarantine, load.source_file),
        unmapped_columns=unmapped_columns,
        unmapped_values=[
            note for note in load.message.split("; ") if "value(s) the preset does not map" in note
        ],
        message=load.message,
    )


def _folder_date(folder: Path) -> dt.date:
    """The delivery's date from its folder name (`2026-11-30`, `2026-11-30T1400`), else today's."""
    instant = delivery_instant(folder.resolve().name)
    return instant.date() if instant is not None else dt.datetime.now(dt.UTC).date()

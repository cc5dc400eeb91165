"""Match a file's header to the contract: canonical names, missing and extra columns.

A required column the file lacks makes it unreadable; an optional one loads empty with a note;
a column the contract does not know is kept as text under a safe name, with a note; a contract
column the header names more than once is read once when its copies agree, and makes the file
unreadable when they differ. Under `header_match: loose`, headers that differ from the
contract's only in case and punctuation are taken as the contract's.
"""

from __future__ import annotations

import re

import polars as pl

from ingestion.contracts import Entity
from ingestion.raw_records import (
    FIELD_COUNT,
    META_COLUMNS,
    RAW_LINE,
    READ_ERROR,
    ROW_NUMBER,
    RawRecords,
    UnreadableFileError,
)

HEADER_SEARCH_LINES = 20
"""How many lines below the first a header is looked for (`_header_below`)."""


def header_key(header: str) -> str:
    """A header as `loose` matching compares it: letters and digits only, lower case."""
    return re.sub(r"[^0-9a-z]", "", header.lower())


def to_canonical(records: RawRecords, entity: Entity) -> RawRecords:
    """Rename file headers to canonical names; fail if a required column is absent."""
    frame = _without_surrounding_spaces(records.frame)
    repeated = records.repeated_columns
    if entity.format.header_match == "loose" and frame.width:
        frame, spellings = _match_headers_loosely(frame, entity)
        repeated += spellings
    notes = list(records.notes)
    if frame.width == 0:
        empty = pl.DataFrame(
            schema={
                **dict.fromkeys(entity.column_names, pl.String),
                ROW_NUMBER: pl.Int64,
                RAW_LINE: pl.String,
                FIELD_COUNT: pl.Int64,
                READ_ERROR: pl.String,
            }
        )
        return RawRecords(empty, records.expected_fields, tuple(notes))
    frame, once = _read_once(frame, repeated, entity)
    notes += once
    present = set(frame.columns)
    meta = [c for c in META_COLUMNS if c in present]
    missing_required = [
        c.source_name for c in entity.columns if c.required and c.source_name not in present
    ]
    if missing_required:
        raise UnreadableFileError(
            f"missing required column(s): {', '.join(missing_required)}"
            f"{_missing_hint(frame, entity, missing_required, meta)}"
        )
    missing = [c.source_name for c in entity.columns if c.source_name not in present]
    if missing:
        notes.append(f"optional column(s) absent, loaded as empty: {', '.join(missing)}")
    known = {c.source_name for c in entity.columns} | set(META_COLUMNS)
    extra = {_column_name(c, entity): c for c in frame.columns if c not in known}
    if extra:
        notes.append(f"column(s) not in the contract, kept as text: {', '.join(extra)}")
    selected = [
        (pl.col(c.source_name) if c.source_name in present else pl.lit(None, dtype=pl.String))
        .cast(pl.String)
        .alias(c.name)
        for c in entity.columns
    ]
    kept = [pl.col(source).cast(pl.String).alias(name) for name, source in extra.items()]
    frame = frame.select(*selected, *kept, *meta)
    return RawRecords(frame, records.expected_fields, tuple(notes), tuple(extra))


def _read_once(
    frame: pl.DataFrame, repeated: tuple[tuple[str, str], ...], entity: Entity
) -> tuple[pl.DataFrame, list[str]]:
    """The frame without the copies of a contract column that the header names twice or more.

    Why: an export with two `amount` columns (the document's currency and the company's, both
    labelled Amount) loaded the first as the amount without a word. Copies that hold the same
    values everywhere are one column, read once with a note; copies that differ make the file
    unreadable, since which one the contract means cannot be known.
    """
    contract = {c.source_name for c in entity.columns}
    copies = [(copy, name) for copy, name in repeated if name in contract and copy in frame.columns]
    for copy, name in copies:
        if not frame.select(pl.col(copy).eq_missing(pl.col(name)).all()).item():
            positions = [i + 1 for i, c in enumerate(frame.columns) if c in (name, copy)]
            raise UnreadableFileError(
                f"the header names {name!r} more than once (columns "
                f"{', '.join(map(str, positions))}) and their values differ: which is the "
                f"contract's {name} cannot be known; rename or remove the others"
            )
    if not copies:
        return frame, []
    names = sorted({name for _, name in copies})
    note = f"column(s) named more than once, with the same values: read once: {', '.join(names)}"
    return frame.drop(copy for copy, _ in copies), [note]


def _without_surrounding_spaces(frame: pl.DataFrame) -> pl.DataFrame:
    """Headers without the spaces around them (` user_id ` is `user_id`), as values are trimmed.

    A header that would then collide with another is left as it is.
    """
    renames = {c: c.strip() for c in frame.columns if c != c.strip()}
    taken = set(frame.columns) - set(renames)
    renames = {old: new for old, new in renames.items() if new not in taken}
    if len(set(renames.values())) != len(renames):
        return frame
    return frame.rename(renames) if renames else frame


def _header_below(frame: pl.DataFrame, entity: Entity, missing: list[str]) -> str:
    """Where the header is when lines above it are not the table's (a report's title, a date).

    Why: SAP's and other reports put a title line above the header; the file was rejected with
    a hint about the separator, which was right.
    """
    if entity.format.kind != "csv" or RAW_LINE not in frame.columns:
        return ""
    wanted = {header_key(name) for name in missing}
    first_lines = frame.select(ROW_NUMBER, RAW_LINE).head(HEADER_SEARCH_LINES)
    for number, line in first_lines.iter_rows():
        fields = {
            header_key(field.strip('" ')) for field in (line or "").split(entity.format.separator)
        }
        if wanted <= fields:
            above = ", ".join(repr(c) for c in frame.columns if c not in META_COLUMNS)
            return (
                f" (the header is line {number}: the {number - 1} line(s) above it, starting "
                f"{above}, are not the table's; remove them)"
            )
    return ""


def _missing_hint(frame: pl.DataFrame, entity: Entity, missing: list[str], meta: list[str]) -> str:
    """Why required columns may look missing: the header lower down, or another spelling."""
    if below := _header_below(frame, entity, missing):
        return below
    if len(frame.columns) - len(meta) == 1 and entity.format.kind == "csv":
        return f" (the header has a single field: is the separator {entity.format.separator!r}?)"
    near = {header_key(c): c for c in frame.columns if c not in meta}
    found = [f"{near[header_key(name)]!r}" for name in missing if header_key(name) in near]
    if not found:
        return ""
    differ = "differs" if len(found) == 1 else "differ"
    return (
        f" (the header has {', '.join(found)}, which {differ} only in case or punctuation: "
        "`header_match: loose` in the contract's format takes it)"
    )


def _match_headers_loosely(
    frame: pl.DataFrame, entity: Entity
) -> tuple[pl.DataFrame, tuple[tuple[str, str], ...]]:
    """Rename file headers to the contract's spelling where they differ only in case and `_`.

    Several headers spelling one contract column (`Amount` and `AMOUNT`) are its copies, as a
    name the header repeats (`_read_once`): the contract's own spelling, else the first, is the
    column; the others take names of their own and are returned with the name they copy. They
    were renamed alike, and the load failed on two columns of one name.
    """
    spellings: dict[str, list[str]] = {}
    for header in frame.columns:
        for column in entity.columns:
            if header_key(header) == header_key(column.source_name):
                spellings.setdefault(column.source_name, []).append(header)
    renames: dict[str, str] = {}
    copies: list[tuple[str, str]] = []
    taken = set(frame.columns)
    for name, headers in spellings.items():
        first = name if name in headers else headers[0]
        renames[first] = name
        for copy, header in enumerate((h for h in headers if h != first), start=2):
            while f"{name}_{copy}" in taken:
                copy += 1
            renames[header] = f"{name}_{copy}"
            taken.add(f"{name}_{copy}")
            copies.append((f"{name}_{copy}", name))
    renames = {old: new for old, new in renames.items() if old != new}
    return (frame.rename(renames) if renames else frame), tuple(copies)


def _column_name(header: str, entity: Entity) -> str:
    """A column added by the source, as a safe lower-case name that no canonical column has."""
    name = re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_") or "column"
    return f"extra_{name}" if name in entity.column_names or name.startswith("_") else name

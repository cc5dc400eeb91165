"""Rewrite the delivered extracts without one person: their records out, their mentions redacted.

An extract stays the file it was: same format, encoding, separator, quoting and line endings,
byte for byte outside what is removed. Any file under the landing folder is read by its form,
not through a source's contract, so built-in extracts, a preset's native files and files no
contract names are treated alike:

- CSV (`.csv`, `.txt`, `.tsv`): a record runs from a line to the line end where its quote
  characters balance (a quoted value may span lines); the separator is the one of comma,
  semicolon, tab or bar the header has most of; fields are read with Python's csv module from
  the record decoded as UTF-8, else Windows-1252;
- JSON Lines (`.jsonl`, `.ndjson`, `.json`): one record a line, its keys as columns; a file that
  is one JSON array (as ingestion reads it too) holds a record an element, and is written back
  as an indented array without the person's elements (its layout is not kept: an element may
  span lines);
- Parquet: rewritten whole with its own codec (`subject_parquet`);
- anything else: a line is a record, with no columns.

A gzip-compressed extract (`accounts.csv.gz`, read by ingestion as `accounts.csv`) is read by the
form of its name without `.gz` and written back compressed; a damaged archive is read as bytes.
A UTF-16 extract (it starts with a UTF-16 byte-order mark, as ingestion reads it) is read as its
text and written back in the same UTF-16, mark included.

The person's records (`Subject.owned_rows`, the raw text included) are cut from the file's
bytes; their name, email and phone are replaced in the bytes of the other records, in each
encoding a file may use (`Subject.redact_bytes`).

The load log keeps the file as delivered (path, hash, size): its path keeps the next refresh from
reading it again, and its hash keeps an identical re-delivery of the original a duplicate.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from c360.settings import Settings
from c360.subject import Subject
from c360.subject_parquet import scrub_parquet

RAW_TEXT, LINE = "_raw_line", "_line"
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
JSON_SUFFIXES = {".jsonl", ".ndjson", ".json"}
SEPARATORS = ",;\t|"
GZIP_SUFFIX = ".gz"
UTF16_MARKS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}


@dataclass(frozen=True)
class LandingEdit:
    """One extract rewritten: how many of its records were the person's."""

    path: Path
    records_removed: int


@dataclass(frozen=True)
class Records:
    """A text file's physical lines, and its records: their first line and their values."""

    lines: list[bytes]
    spans: list[tuple[int, int]]  # 0-based [first, last) line of each record
    frame: pl.DataFrame  # one row per record: text columns, `_raw_line`, `_line` (1-based)
    stored: Callable[[bytes], bytes] = bytes  # the rewritten content as the file stores it
    elements: list | None = None  # a JSON array's elements, one record each (else None)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_spans(lines: list[bytes]) -> list[tuple[int, int]]:
    """Records after the header: each ends on the line where its quotes balance."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    quotes = 0
    for index in range(1, len(lines)):
        if start is None:
            if not lines[index].strip():
                continue  # a blank line between records belongs to none
            start, quotes = index, 0
        quotes += lines[index].count(b'"')
        if quotes % 2 == 0:
            spans.append((start, index + 1))
            start = None
    if start is not None:
        spans.append((start, len(lines)))
    return spans


def _csv_rows(lines: list[bytes], spans: list[tuple[int, int]]) -> list[dict[str, str]]:
    header_text = _decode(lines[0]).rstrip("\r\n") if lines else ""
    separator = max(SEPARATORS, key=header_text.count)
    [header] = list(csv.reader([header_text], delimiter=separator)) or [[]]
    rows = []
    for first, last in spans:
        text = _decode(b"".join(lines[first:last]))
        fields = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])
        rows.append(dict(zip(header, fields, strict=False)) | {RAW_TEXT: text})
    return rows


def _json_fields(parsed: object, text: str) -> dict[str, str]:
    values = parsed if isinstance(parsed, dict) else {}
    fields = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    return fields | {RAW_TEXT: text}


def _json_rows(lines: list[bytes], spans: list[tuple[int, int]]) -> list[dict[str, str]]:
    rows = []
    for first, _ in spans:
        text = _decode(lines[first])
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        rows.append(_json_fields(parsed, text))
    return rows


def _json_array(content: bytes) -> list | None:
    """The elements of content that is one JSON array, else None."""
    text = _decode(content)
    if text.lstrip(" \t\r\n\ufeff")[:1] != "[":
        return None
    try:
        parsed = json.loads(text.lstrip("\ufeff"))
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


def form_suffix(path: Path) -> str:
    """The suffix that says a landed file's form: `.csv` for `accounts.csv.gz` too."""
    name = path.name.lower()
    return Path(name.removesuffix(GZIP_SUFFIX)).suffix


def _as_utf16(content: bytes, mark: bytes) -> bytes:
    """UTF-8 `content` back in the UTF-16 its byte-order `mark` says, mark first."""
    return mark + content.decode("utf-8", errors="replace").encode(UTF16_MARKS[mark])


def _content(path: Path) -> tuple[bytes, Callable[[bytes], bytes]]:
    """The file's content (decompressed; UTF-16 as UTF-8), and how to store it back so."""
    data, stored = path.read_bytes(), bytes
    if path.name.lower().endswith(GZIP_SUFFIX):
        try:
            data, stored = gzip.decompress(data), gzip.compress
        except (gzip.BadGzipFile, EOFError, zlib.error):
            return data, bytes  # a damaged archive: its bytes as they are
    mark = next((m for m in UTF16_MARKS if data.startswith(m)), None)
    if mark is None:
        return data, stored
    try:
        text = data[len(mark) :].decode(UTF16_MARKS[mark])
    except UnicodeDecodeError:
        return data, stored
    return text.encode("utf-8"), lambda content: stored(_as_utf16(content, mark))


def read_records(path: Path) -> Records:
    """A text extract's records by its form (see the module docstring)."""
    content, stored = _content(path)
    lines = content.splitlines(keepends=True)
    suffix = form_suffix(path)
    elements = _json_array(content) if suffix in JSON_SUFFIXES else None
    if elements is not None:
        spans = [(i, i + 1) for i in range(len(elements))]
        rows = [_json_fields(e, json.dumps(e, ensure_ascii=False)) for e in elements]
    elif suffix in CSV_SUFFIXES:
        spans = _csv_spans(lines)
        rows = _csv_rows(lines, spans)
    else:
        spans = [(i, i + 1) for i, line in enumerate(lines) if line.strip()]
        rows = (
            _json_rows(lines, spans)
            if suffix in JSON_SUFFIXES
            else [{RAW_TEXT: _decode(lines[first])} for first, _ in spans]
        )
    columns = list(dict.fromkeys(c for row in rows for c in row))
    frame = (
        pl.DataFrame(
            [[row.get(c) for c in columns] for row in rows],
            schema=dict.fromkeys(columns, pl.String),
            orient="row",
        )
        if rows
        else pl.DataFrame(schema={RAW_TEXT: pl.String})
    )
    frame = frame.with_columns(pl.Series(LINE, [first + 1 for first, _ in spans], pl.Int64))
    return Records(lines, spans, frame, stored, elements)


def _write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` by `data` atomically, keeping its permissions."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.chmod(tmp, path.stat().st_mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def rewrite_text_extract(path: Path, subject: Subject) -> int:
    """Rewrite one text extract without the person; the records removed."""
    records = read_records(path)
    owned = subject.owned_rows(records.frame, extract=True).to_list()
    if records.elements is not None and any(owned):
        others = [e for e, is_theirs in zip(records.elements, owned, strict=True) if not is_theirs]
        kept = json.dumps(others, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    else:
        dropped = {
            line
            for (first, last), is_theirs in zip(records.spans, owned, strict=True)
            if is_theirs
            for line in range(first, last)
        }
        kept = b"".join(line for i, line in enumerate(records.lines) if i not in dropped)
    rewritten = subject.redact_bytes(kept)
    if rewritten != b"".join(records.lines):
        _write_bytes(path, records.stored(rewritten))
    return sum(owned)


def erase_from_landing(settings: Settings, subject: Subject) -> list[LandingEdit]:
    """Rewrite every delivered file that holds the person; the files changed."""
    edits = []
    if not settings.landing_dir.is_dir():
        return edits
    for path in sorted(p for p in settings.landing_dir.rglob("*") if p.is_file()):
        before = path.read_bytes()
        if path.suffix.lower() == ".parquet":
            removed_rows = scrub_parquet(path, subject, extract=True)
            removed = 0 if removed_rows is None else removed_rows.height
        else:
            removed = rewrite_text_extract(path, subject)
        if path.read_bytes() != before:
            edits.append(LandingEdit(path, removed))
    return edits

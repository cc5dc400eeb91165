"""Read a JSON Lines extract's text into records: a bad line is one bad row, not a bad file.

Polars' NDJSON reader takes the common case in one pass; any line it refuses sends the text
through the line-by-line reader, which marks a line that is not a JSON object by its field
count (0) so validation quarantines that line alone.

A file that is one JSON array of objects (what a REST API dump or `json.dump` of a list writes,
often pretty-printed) is read as its elements, element n as record n, with a note in the load
log: read as lines, each line of `[`, `{` and `"key": value` was one bad row, or the file was
rejected for missing columns. It is read whole, not in pieces (an array cannot be cut at line
ends); a file that starts with `[` but is not valid JSON is rejected naming where it breaks.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from ingestion.contracts import FileFormat
from ingestion.csv_recovery import split_lines
from ingestion.file_content import decode_file
from ingestion.raw_records import (
    FIELD_COUNT,
    RAW_LINE,
    ROW_NUMBER,
    RawRecords,
    UnreadableFileError,
    physical_lines,
    with_note,
)


def read_json_lines(path: Path, fmt: FileFormat) -> RawRecords:
    """The records of a whole JSON Lines file."""
    text, note = decode_file(path, fmt.encoding)
    return with_note(read_json_lines_text(text), note)


def is_json_array(text: str) -> bool:
    """Whether JSON text is an array (its first character that is not blank is `[`)."""
    return text.lstrip(" \t\r\n\ufeff")[:1] == "["


def read_json_lines_text(text: str) -> RawRecords:
    """The records of JSON Lines text (or of a JSON array's elements), every value as text."""
    return _read_json_array(text) if is_json_array(text) else _read_lines(text)


def _read_lines(text: str) -> RawRecords:
    fast = _read_json_lines_vectorised(text)
    return fast if fast is not None else _read_json_lines_one_by_one(text)


def _read_json_array(text: str) -> RawRecords:
    """Each element of a JSON array as one record, numbered from 1 (the module docstring)."""
    try:
        items = json.loads(text.lstrip("\ufeff"))
    except ValueError as exc:
        raise UnreadableFileError(
            f"a JSON array (the file starts with '[') that is not valid JSON: {exc}"
        ) from exc
    lines = "\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    records = _read_lines(lines) if items else RawRecords(pl.DataFrame(), None)
    note = f"one JSON array, not JSON Lines: element n read as record n ({len(items):,} in all)"
    return with_note(records, note)


def _read_json_lines_vectorised(text: str) -> RawRecords | None:
    """Polars' own NDJSON reader, when every line is a valid JSON object (the common case)."""
    lines = physical_lines("\n" + text)  # no header: a leading empty line keeps numbering
    lines = lines.with_columns(pl.col(ROW_NUMBER) - 1)
    if lines.height == 0:
        return RawRecords(pl.DataFrame(), None)
    try:
        frame = pl.read_ndjson(io.BytesIO(text.encode("utf-8")), infer_schema_length=None)
    except Exception:  # any malformed line: the line-by-line reader says which
        return None
    if frame.height != lines.height or any(
        isinstance(dtype, (pl.Struct, pl.List)) for dtype in frame.dtypes
    ):
        return None
    text_frame = frame.select(
        pl.when(pl.col(c).is_null()).then(None).otherwise(pl.col(c).cast(pl.String)).alias(c)
        if frame.schema[c] != pl.Boolean
        else pl.col(c).cast(pl.String).str.to_lowercase().alias(c)
        for c in frame.columns
    )
    meta = lines.with_columns(pl.lit(-1, dtype=pl.Int64).alias(FIELD_COUNT))
    return RawRecords(pl.concat([text_frame, meta], how="horizontal"), None)


def _read_json_lines_one_by_one(text: str) -> RawRecords:
    numbers: list[int] = []
    raws: list[str] = []
    rows: list[dict[str, str | None]] = []
    bad: list[int] = []
    # split_lines, not str.splitlines: the latter also splits on \x0b, \x1c-\x1e, \x85 and
    # \u2028, which would number lines differently from the vectorised reader.
    for i, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        numbers.append(i)
        raws.append(line)
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
        except ValueError:
            bad.append(len(rows))
            obj = {}
        rows.append({k: None if v is None else _json_text(v) for k, v in obj.items()})
    columns = sorted({k for row in rows for k in row})
    frame = pl.DataFrame(
        {c: [row.get(c) for row in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String)
    )
    # A line that is not a JSON object is flagged through its field count (0 of expected 1+).
    bad_rows = set(bad)
    counts = [0 if idx in bad_rows else -1 for idx in range(len(rows))]
    meta = pl.DataFrame(
        {ROW_NUMBER: numbers, RAW_LINE: raws, FIELD_COUNT: counts},
        schema={ROW_NUMBER: pl.Int64, RAW_LINE: pl.String, FIELD_COUNT: pl.Int64},
    )
    return RawRecords(pl.concat([frame, meta], how="horizontal"), None)


def _json_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)

"""Read a JSON Lines extract's text into records: a bad line is one bad row, not a bad file.

Polars' NDJSON reader takes the common case in one pass; any line it refuses sends the text
through the line-by-line reader, which marks a line that is not a JSON object by its field
count (0) so validation quarantines that line alone.

A file that is one JSON array of objects (what a REST API dump or `json.dump` of a list writes,
often pretty-printed) is read as its elements, element n as record n, with a note in the load
log: read as lines, each line of `[`, `{` and `"key": value` was one bad row, or the file was
rejected for missing columns. It is read whole, not in pieces (an array cannot be cut at line
ends); a file that starts with `[` but is not valid JSON is rejected naming where it breaks.

Two more shapes real tools write, each read with a note where it was rejected for missing
columns (every line a bad row):
- objects spread over several lines, one after the other (`jq .`'s output, a pretty-printed
  stream): read whole like an array, object n as record n. If the text is not such a stream
  after all, it is read line by line as before;
- a comma after each line's object (an array's elements without its brackets): each object
  read without it. A byte-order mark starting a line (two files joined) is left out too.
"""

from __future__ import annotations

import io
import json
import re
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


_SPREAD_START = re.compile(r"[ \t\r\n\ufeff]*\{[ \t\r]*(?:\n|$)")


def is_spread_json(text: str) -> bool:
    """Whether JSON text starts with a `{` alone on its line (objects spread over lines).

    A match at the start, not a split into lines: the text is a whole piece of a large file.
    """
    return _SPREAD_START.match(text) is not None


def read_json_lines_text(text: str) -> RawRecords:
    """The records of JSON Lines text (or of a JSON array's elements), every value as text."""
    if is_json_array(text):
        return _read_json_array(text)
    if is_spread_json(text) and (items := _json_stream(text)) is not None:
        note = (
            "JSON objects spread over several lines, not JSON Lines: object n read as record n "
            f"({len(items):,} in all)"
        )
        return with_note(_read_items(items), note)
    return _read_lines(text)


def _json_stream(text: str) -> list[object] | None:
    """The JSON values `text` holds one after the other (blanks or a comma between), or None."""
    decoder, items, at = json.JSONDecoder(), [], 0
    text = text.lstrip("\ufeff")
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at == len(text):
            return items
        try:
            item, at = decoder.raw_decode(text, at)
        except ValueError:
            return None
        items.append(item)


def _read_items(items: list[object]) -> RawRecords:
    """Decoded JSON values as records, value n as record n (not an object: a bad row)."""
    lines = "\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return _read_lines(lines) if items else RawRecords(pl.DataFrame(), None)


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
    records = _read_items(items)
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
    trailing_commas = 0
    # split_lines, not str.splitlines: the latter also splits on \x0b, \x1c-\x1e, \x85 and
    # \u2028, which would number lines differently from the vectorised reader.
    for i, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        numbers.append(i)
        raws.append(line)
        obj, comma = _json_object(line)
        trailing_commas += comma
        if obj is None:
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
    records = RawRecords(pl.concat([frame, meta], how="horizontal"), None)
    if trailing_commas:
        # No count: a large file's pieces each note it, and the load log keeps one of each note.
        note = "lines end with a comma after the object (an array's elements without its "
        records = with_note(records, note + "brackets): read without it")
    return records


def _json_object(line: str) -> tuple[dict | None, bool]:
    """The JSON object a line holds (None: not one), and whether a comma after it was left out.

    A byte-order mark starting the line (two files joined) is left out as well.
    """
    line = line.lstrip("\ufeff")
    for text, comma in ((line, False), (line.rstrip(" \t\r").removesuffix(","), True)):
        try:
            obj = json.loads(text)
        except ValueError:
            continue
        return (obj, comma) if isinstance(obj, dict) else (None, False)
    return None, False


def _json_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)

"""Read a CSV (delimited) extract's text into records, fast when it is well formed.

Polars reads the common case in one vectorised pass; a text it refuses, or whose records span
lines, is read record by record (`csv_recovery.py`) so that one broken line is one quarantined
record, not a rejected file.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from ingestion.contracts import FileFormat
from ingestion.csv_recovery import parse_records
from ingestion.decoding import BOM
from ingestion.file_content import decode_file
from ingestion.raw_records import (
    FIELD_COUNT,
    RAW_LINE,
    READ_ERROR,
    ROW_NUMBER,
    RawRecords,
    physical_lines,
    with_note,
)

_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def read_delimited(path: Path, fmt: FileFormat) -> RawRecords:
    """The records of a whole CSV file."""
    text, note = decode_file(path, fmt.encoding)
    return with_note(read_delimited_text(text, fmt), note)


def read_delimited_text(text: str, fmt: FileFormat) -> RawRecords:
    """Polars' vectorised reader when the file is well formed, else the record-by-record one.

    The fallback (`ingestion.csv_recovery`) costs a few microseconds per line in Python, so it
    is taken only for a file, or a piece of a large one, that needs it: a record spanning lines,
    or any line Polars refuses (an unbalanced quote makes it reject the whole text).
    """
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        return RawRecords(pl.DataFrame(), None, ("empty file: no header",))
    header, repeated = _unique(_header_names(first_line, fmt.separator))
    lines = physical_lines(text)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator=fmt.separator,
            infer_schema=False,
            truncate_ragged_lines=True,
            new_columns=header,
        )
    except pl.exceptions.PolarsError:
        frame = None
    if frame is not None and frame.height == lines.height and frame.width == len(header):
        # One physical line per record (the common case): count fields on the line itself,
        # ignoring separators inside quoted values, so short or long rows are caught.
        lines_frame = lines.with_columns(
            (
                pl.col(RAW_LINE)
                .str.replace_all(_QUOTED.pattern, "")
                .str.count_matches(fmt.separator, literal=True)
                + 1
            ).alias(FIELD_COUNT)
        )
        frame = pl.concat([frame, lines_frame], how="horizontal")
        notes: tuple[str, ...] = ()
    else:
        frame = _read_delimited_by_record(text, fmt, header)
        notes = ("records span several lines or are malformed; read record by record",)
    # Two exports joined into one file (`cat`): the second header may keep its byte-order mark.
    repeated_header = pl.col(RAW_LINE).str.strip_prefix(BOM) == first_line
    frame = frame.with_columns(
        pl.when(repeated_header)
        .then(pl.lit("the header line repeated as a record"))
        .otherwise(pl.col(READ_ERROR) if READ_ERROR in frame.columns else None)
        .cast(pl.String)
        .alias(READ_ERROR)
    )
    return RawRecords(frame, len(header), notes, repeated_columns=repeated)


def _header_names(line: str, separator: str) -> list[str]:
    """The header's names; split plainly if the csv module refuses it (a bare CR inside)."""
    try:
        return next(csv.reader([line], delimiter=separator))
    except csv.Error:
        return line.split(separator)


def _unique(header: list[str]) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    """Header names made unique (`name`, `name_2`), and each renamed one with the name it repeats.

    A repeated name would lose a column; `ingestion.header_matching` decides what a repeated
    contract column means.
    """
    names: list[str] = []
    repeated: list[tuple[str, str]] = []
    for name in header:
        unique, copy = name, 1
        while unique in names or (unique != name and unique in header):
            copy += 1
            unique = f"{name}_{copy}"
        names.append(unique)
        if unique != name:
            repeated.append((unique, name))
    return names, tuple(repeated)


def _read_delimited_by_record(text: str, fmt: FileFormat, header: list[str]) -> pl.DataFrame:
    parsed = parse_records(text, fmt.separator, len(header))
    rows = [
        [v if v != "" else None for v in (values + [None] * len(header))[: len(header)]]
        for values in parsed.values
    ]
    values = pl.DataFrame(rows, schema=dict.fromkeys(header, pl.String), orient="row")
    meta = pl.DataFrame(
        {
            ROW_NUMBER: parsed.numbers,
            RAW_LINE: parsed.raws,
            FIELD_COUNT: parsed.counts,
            READ_ERROR: parsed.errors,
        },
        schema={
            ROW_NUMBER: pl.Int64,
            RAW_LINE: pl.String,
            FIELD_COUNT: pl.Int64,
            READ_ERROR: pl.String,
        },
    )
    return pl.concat([values, meta], how="horizontal")

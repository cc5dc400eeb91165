"""What every reader returns: the records of a file as text, with their line and what was noticed.

The readers of each format (`delimited_reader.py`, `json_lines_reader.py`, `readers.py` for
Parquet) share these columns, the error a file that cannot be read at all raises, and the
decoding of its bytes, so validation sees one shape whatever the file's format.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from ingestion.decoding import UndecodableError, decode_extract
from ingestion.zero_bytes import without_zero_tail

ROW_NUMBER = "_row_number"
RAW_LINE = "_raw_line"
FIELD_COUNT = "_field_count"
READ_ERROR = "_read_error"
"""Why the reader could not make a record of a line (broken quoting, a repeated header); null
when it could. A reader may leave the column out: `validate_records` treats it as optional."""
META_COLUMNS = (ROW_NUMBER, RAW_LINE, FIELD_COUNT, READ_ERROR)


class UnreadableFileError(Exception):
    """The file cannot be read at all (encoding, structure, missing required columns)."""


@dataclass(frozen=True)
class RawRecords:
    """The records of one file as text, plus what the reader noticed about the file itself."""

    frame: pl.DataFrame
    expected_fields: int | None
    notes: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()
    repeated_columns: tuple[tuple[str, str], ...] = ()
    """(the name a repeated header's column was given, the name it repeats): (`amount_2`,
    `amount`)."""


def decode_bytes(data: bytes, encoding: str, offset: int) -> tuple[str, str]:
    """`data` as text and a note on encoding drift ("" if none); `offset`: where it starts.

    A run of zero bytes the text ends with is left out, with a note (`ingestion.zero_bytes`).
    """
    try:
        decoded = decode_extract(data, encoding, offset)
    except UndecodableError as exc:
        raise UnreadableFileError(str(exc)) from exc
    text, zeros = without_zero_tail(decoded.text)
    return text, "; ".join(note for note in (decoded.note, zeros) if note)


def with_note(records: RawRecords, note: str) -> RawRecords:
    """`records` with `note` first among its notes (none added when it is empty)."""
    return replace(records, notes=(note, *records.notes)) if note else records


def physical_lines(text: str) -> pl.DataFrame:
    """Every non-blank line after the header with its 1-based line number (header = 1).

    Split by Polars in one vectorised pass: a Python list of ten million lines costs seconds.
    """
    return (
        pl.DataFrame({RAW_LINE: [text]})
        .select(pl.col(RAW_LINE).str.split("\n"))
        .explode(RAW_LINE)
        .with_row_index(ROW_NUMBER, offset=1)
        .with_columns(pl.col(ROW_NUMBER).cast(pl.Int64), pl.col(RAW_LINE).str.strip_suffix("\r"))
        .filter((pl.col(ROW_NUMBER) > 1) & (pl.col(RAW_LINE).str.strip_chars() != ""))
    )

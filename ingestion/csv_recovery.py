"""Read delimited text record by record, keeping every broken record as a row with its reason.

Polars reads a well-formed file in one vectorised pass, and gives up on the whole file at the
first unbalanced quote ("... is not properly escaped"). This reader is the fallback for a file
(or a piece of one) that Polars refused or whose records span lines: record boundaries are the
csv module's (a quote opens a quoted value only at the start of a field), and a record that
cannot be a record is quarantined as its first physical line alone, the reader starting again on
the next line. So one broken quote costs one line, not the file and not the lines after it.

A quoted value that is not closed within MAX_RECORD_LINES physical lines or MAX_RECORD_CHARS
characters is broken quoting, never data: without a bound, one stray quote swallows the rest of
the file into a single value.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_RECORD_LINES = 50
"""Physical lines one record may span. The generator's multi-line values (postal addresses,
titles, notes) take 2-4 lines; a CRM note of 50 lines is rare and still loads."""
MAX_RECORD_CHARS = 1 << 20
"""Characters one multi-line record may hold (1 MiB): 5x the longest value a test loads
(200,000 characters), far above any field the contracts describe."""


class _RecordTooLongError(Exception):
    """The record being read has passed MAX_RECORD_LINES or MAX_RECORD_CHARS."""


@dataclass
class ParsedRecords:
    """Records of a text, one entry per record (a broken one included), in line order."""

    numbers: list[int] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    values: list[list[str | None]] = field(default_factory=list)
    errors: list[str | None] = field(default_factory=list)

    def add(self, number: int, raw: str, values: list[str] | None, error: str | None) -> None:
        """One record: its first line's number, raw text, values (None: broken), reason."""
        self.numbers.append(number)
        self.raws.append(raw)
        self.counts.append(len(values) if values is not None else 0)
        self.values.append(values or [])
        self.errors.append(error)


class _Lines:
    """The physical lines from `start`, stopping the csv reader when a record runs too long."""

    def __init__(self, lines: list[str], start: int) -> None:
        self.lines, self.next, self.start, self.chars = lines, start, start, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        taken = self.next - self.start
        if taken >= 1 and (taken >= MAX_RECORD_LINES or self.chars > MAX_RECORD_CHARS):
            raise _RecordTooLongError
        line = self.lines[self.next]
        self.next += 1
        self.chars += len(line)
        return line + "\n"


def split_lines(text: str) -> list[str]:
    """Physical lines as `_physical_lines` numbers them: split on LF, a trailing CR removed."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def parse_records(text: str, separator: str, expected_fields: int) -> ParsedRecords:
    """Every record after the header line, line numbers 1-based (the header is line 1).

    Blank lines between records are skipped, as the vectorised reader does. A record spanning
    lines whose field count is not `expected_fields` is taken for a broken quote too: its first
    line is quarantined and reading starts again on the next, which usually is a record.
    """
    lines = split_lines(text)
    parsed = ParsedRecords()
    position = 1
    while position < len(lines):
        if not lines[position].strip():
            position += 1
            continue
        source = _Lines(lines, position)
        reader = csv.reader(source, delimiter=separator, strict=True)
        error: str | None = None
        try:
            record = next(reader)
        except _RecordTooLongError:
            error = (
                f"broken quoting: a quoted value is not closed within {MAX_RECORD_LINES} lines "
                f"or {MAX_RECORD_CHARS:,} characters"
            )
        except csv.Error as exc:
            error = _csv_error_reason(exc)
        spanned = source.next - position
        if error is None and spanned > 1 and len(record) != expected_fields:
            error = (
                f"broken quoting: a quoted value runs over {spanned} lines into a record of "
                f"{len(record)} fields"
            )
        if error is not None:
            parsed.add(position + 1, lines[position], None, error)
            position += 1
            continue
        parsed.add(position + 1, "\n".join(lines[position : source.next]), record, None)
        position = source.next
    return parsed


def _csv_error_reason(exc: csv.Error) -> str:
    message = str(exc).split(" - ", 1)[0]
    if "end of data" in message:
        return "broken quoting: a quoted value is not closed before the end of the file"
    if "expected after" in message:
        return f"broken quoting: {message}"
    return f"malformed record: {message}"

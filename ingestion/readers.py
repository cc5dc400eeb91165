"""Read one extract file into a frame of untyped text, one row per record, keeping its raw line.

Every column comes back as text (or null) so that typing and validation happen in one place
(`ingestion.validate`) and a value that does not parse can be quarantined with what was in the
file, instead of failing the whole read or being silently coerced.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
from polars.exceptions import PanicException

from ingestion.contracts import Entity, FileFormat
from ingestion.csv_recovery import parse_records, split_lines
from ingestion.decoding import UndecodableError, decode_extract

ROW_NUMBER = "_row_number"
RAW_LINE = "_raw_line"
FIELD_COUNT = "_field_count"
READ_ERROR = "_read_error"
"""Why the reader could not make a record of a line (broken quoting, a repeated header); null
when it could. A reader may leave the column out: `validate_records` treats it as optional."""
META_COLUMNS = (ROW_NUMBER, RAW_LINE, FIELD_COUNT, READ_ERROR)

_QUOTED = re.compile(r'"(?:[^"]|"")*"')
CHUNK_BYTES = 64 << 20
"""Files larger than this are read in pieces of about this size (`read_extract_chunks`)."""
# A piece grows past CHUNK_BYTES only to reach a record boundary; an unbalanced quote (a broken
# row) would make the whole rest of the file one record, so past this many chunks it is cut at
# the last line end and the reader quarantines the broken rows as it would in a small file.
MAX_PIECE_CHUNKS = 4


class UnreadableFileError(Exception):
    """The file cannot be read at all (encoding, structure, missing required columns)."""


@dataclass(frozen=True)
class RawRecords:
    """The records of one file as text, plus what the reader noticed about the file itself."""

    frame: pl.DataFrame
    expected_fields: int | None
    notes: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()


def read_extract(path: Path, entity: Entity) -> RawRecords:
    """Read `path` with the entity's format; columns renamed to canonical names, all text."""
    fmt = entity.format
    if fmt.kind == "csv":
        records = _read_delimited(path, fmt)
    elif fmt.kind == "jsonl":
        records = _read_json_lines(path, fmt)
    elif fmt.kind == "parquet":
        records = _read_parquet(path)
    else:  # pragma: no cover - the contract loader restricts kinds
        raise UnreadableFileError(f"unsupported file kind {fmt.kind!r}")
    return _to_canonical(records, entity)


def read_extract_chunks(
    path: Path, entity: Entity, chunk_bytes: int | None = None
) -> Iterator[RawRecords]:
    """`read_extract` in pieces of about `chunk_bytes`, cut between records.

    Row numbers are the file's, whichever piece a row is in. Reading a file whole holds it
    several times over (its bytes, its text, the frame, each raw line): the 3 GB activities
    file of a 1,000,000-customer company took the ingestion past 22 GB. Pieces keep memory to
    a few times `chunk_bytes` (default CHUNK_BYTES) whatever the file's size. A CSV piece
    ends at a line end outside quotes (an even number of quote characters before it, RFC 4180
    doubling included), so a value spanning lines stays whole; JSON lines cannot span lines.
    Parquet files and files up to `chunk_bytes` are read whole, as before.

    Raises:
        UnreadableFileError: as `read_extract`, possibly after earlier pieces were yielded.
    """
    fmt = entity.format
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    if fmt.kind == "parquet" or path.stat().st_size <= chunk_bytes:
        yield read_extract(path, entity)
        return
    header: str | None = None
    for data, offset, first_line in _pieces(path, chunk_bytes, quoted=fmt.kind == "csv"):
        text, note = _decode_bytes(data, fmt.encoding, offset)
        if fmt.kind == "jsonl":
            records = _read_json_lines_text(text)
            shift = first_line - 1
        elif header is None:
            header = text.split("\n", 1)[0].rstrip("\r")
            records, shift = _read_delimited_text(text, fmt), 0
        else:
            # The header again, then the piece: its first line is line 2 of that text.
            records, shift = _read_delimited_text(header + "\n" + text, fmt), first_line - 2
        if shift and records.frame.width:
            frame = records.frame.with_columns(pl.col(ROW_NUMBER) + shift)
            records = replace(records, frame=frame)
        yield _to_canonical(_with_note(records, note), entity)


def _pieces(path: Path, chunk_bytes: int, *, quoted: bool) -> Iterator[tuple[bytes, int, int]]:
    """(bytes of whole records, their offset in the file, the 1-based line they start on)."""
    offset, line, carry = 0, 1, b""
    with path.open("rb") as handle:
        while True:
            block = handle.read(chunk_bytes)
            data = carry + block
            if not block:
                if data:
                    yield data, offset, line
                return
            forced = len(data) > MAX_PIECE_CHUNKS * chunk_bytes
            cut = _record_end(data, quoted=quoted and not forced)
            if cut == 0:
                carry = data
                continue
            piece, carry = data[:cut], data[cut:]
            yield piece, offset, line
            offset += cut
            line += piece.count(b"\n")


def _record_end(data: bytes, *, quoted: bool) -> int:
    """Length of the longest prefix of `data` ending at a line end between records (0: none)."""
    end = data.rfind(b"\n")
    if not quoted:
        return end + 1
    while end >= 0:
        if data.count(b'"', 0, end) % 2 == 0:
            return end + 1
        end = data.rfind(b"\n", 0, end)
    return 0


def _decode(path: Path, encoding: str) -> tuple[str, str]:
    return _decode_bytes(path.read_bytes(), encoding, 0)


def _decode_bytes(data: bytes, encoding: str, offset: int) -> tuple[str, str]:
    """`data` as text and a note on encoding drift ("" if none); `offset`: where it starts."""
    try:
        decoded = decode_extract(data, encoding, offset)
    except UndecodableError as exc:
        raise UnreadableFileError(str(exc)) from exc
    return decoded.text, decoded.note


def _with_note(records: RawRecords, note: str) -> RawRecords:
    return replace(records, notes=(note, *records.notes)) if note else records


def _physical_lines(text: str) -> pl.DataFrame:
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


def _read_delimited(path: Path, fmt: FileFormat) -> RawRecords:
    text, note = _decode(path, fmt.encoding)
    return _with_note(_read_delimited_text(text, fmt), note)


def _read_delimited_text(text: str, fmt: FileFormat) -> RawRecords:
    """Polars' vectorised reader when the file is well formed, else the record-by-record one.

    The fallback (`ingestion.csv_recovery`) costs a few microseconds per line in Python, so it
    is taken only for a file, or a piece of a large one, that needs it: a record spanning lines,
    or any line Polars refuses (an unbalanced quote makes it reject the whole text).
    """
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        return RawRecords(pl.DataFrame(), None, ("empty file: no header",))
    header = _unique(_header_names(first_line, fmt.separator))
    lines = _physical_lines(text)
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
    repeated_header = pl.col(RAW_LINE) == first_line
    frame = frame.with_columns(
        pl.when(repeated_header)
        .then(pl.lit("the header line repeated as a record"))
        .otherwise(pl.col(READ_ERROR) if READ_ERROR in frame.columns else None)
        .cast(pl.String)
        .alias(READ_ERROR)
    )
    return RawRecords(frame, len(header), notes)


def _header_names(line: str, separator: str) -> list[str]:
    """The header's names; split plainly if the csv module refuses it (a bare CR inside)."""
    try:
        return next(csv.reader([line], delimiter=separator))
    except csv.Error:
        return line.split(separator)


def _unique(header: list[str]) -> list[str]:
    """Header names made unique (`name`, `name_2`): a repeated name would lose a column."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return names


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


def _read_json_lines(path: Path, fmt: FileFormat) -> RawRecords:
    text, note = _decode(path, fmt.encoding)
    return _with_note(_read_json_lines_text(text), note)


def _read_json_lines_text(text: str) -> RawRecords:
    fast = _read_json_lines_vectorised(text)
    return fast if fast is not None else _read_json_lines_one_by_one(text)


def _read_json_lines_vectorised(text: str) -> RawRecords | None:
    """Polars' own NDJSON reader, when every line is a valid JSON object (the common case)."""
    lines = _physical_lines("\n" + text)  # no header: a leading empty line keeps numbering
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


def _read_parquet(path: Path) -> RawRecords:
    """The file's typed columns rendered as text.

    Polars raises several error types for a corrupt file, and panics (PanicException, not an
    Exception) on a value it cannot render, such as a date beyond its range in a damaged file:
    both make the file unreadable.
    """
    try:
        typed = pl.read_parquet(path)
        text = typed.select(pl.all().cast(pl.String))
        raw = typed.select(pl.struct(pl.all()).struct.json_encode().alias(RAW_LINE))
    except (Exception, PanicException) as exc:
        raise UnreadableFileError(f"not a readable Parquet file: {exc}") from exc
    meta = raw.with_columns(
        pl.int_range(1, typed.height + 1, dtype=pl.Int64).alias(ROW_NUMBER),
        pl.lit(-1, dtype=pl.Int64).alias(FIELD_COUNT),
    )
    return RawRecords(pl.concat([text, meta], how="horizontal"), None)


def header_key(header: str) -> str:
    """A header as `loose` matching compares it: letters and digits only, lower case."""
    return re.sub(r"[^0-9a-z]", "", header.lower())


def _match_headers_loosely(frame: pl.DataFrame, entity: Entity) -> pl.DataFrame:
    """Rename file headers to the contract's spelling where they differ only in case and `_`."""
    wanted = {header_key(c.source_name): c.source_name for c in entity.columns}
    renames = {
        header: wanted[header_key(header)]
        for header in frame.columns
        if header_key(header) in wanted and header != wanted[header_key(header)]
    }
    taken = set(frame.columns) - set(renames)
    renames = {old: new for old, new in renames.items() if new not in taken}
    return frame.rename(renames) if renames else frame


def _to_canonical(records: RawRecords, entity: Entity) -> RawRecords:
    """Rename file headers to canonical names; fail if a required column is absent."""
    frame = records.frame
    if entity.format.header_match == "loose" and frame.width:
        frame = _match_headers_loosely(frame, entity)
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
    present = set(frame.columns)
    meta = [c for c in META_COLUMNS if c in present]
    missing_required = [
        c.source_name for c in entity.columns if c.required and c.source_name not in present
    ]
    if missing_required:
        hint = ""
        if len(frame.columns) - len(meta) == 1 and entity.format.kind == "csv":
            separator = entity.format.separator
            hint = f" (the header has a single field: is the separator {separator!r}?)"
        raise UnreadableFileError(
            f"missing required column(s): {', '.join(missing_required)}{hint}"
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


def _column_name(header: str, entity: Entity) -> str:
    """A column added by the source, as a safe lower-case name that no canonical column has."""
    name = re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_") or "column"
    return f"extra_{name}" if name in entity.column_names or name.startswith("_") else name

"""Read one extract file into a frame of untyped text, one row per record, keeping its raw line.

Every column comes back as text (or null) so that typing and validation happen in one place
(`ingestion.validate`) and a value that does not parse can be quarantined with what was in the
file, instead of failing the whole read or being silently coerced. This module picks the reader
by the contract's format (`delimited_reader.py`, `json_lines_reader.py`, Parquet here), cuts a
large file into pieces between records, and matches the header to the contract
(`header_matching.py`); the records' shape is `raw_records.py`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import polars as pl
from polars.exceptions import PanicException

from ingestion.contracts import Entity
from ingestion.delimited_reader import read_delimited, read_delimited_text
from ingestion.file_content import content_encoding, is_compressed, read_blocks
from ingestion.header_matching import to_canonical
from ingestion.json_lines_reader import (
    is_json_array,
    is_spread_json,
    read_json_lines,
    read_json_lines_text,
)
from ingestion.raw_records import (
    FIELD_COUNT,
    RAW_LINE,
    ROW_NUMBER,
    RawRecords,
    UnreadableFileError,
    decode_bytes,
    with_note,
)

CHUNK_BYTES = 16 << 20
"""Files larger than this are read in pieces of about this size (`read_extract_chunks`).

16 MB, not 64: every piece is copied a few times as whole buffers (its bytes, its text, the
text Polars splits), and a buffer over glibc's 32 MB ceiling is always a fresh `mmap`, zeroed
page by page by the kernel. With 16 MB pieces, ingesting a 100,000-customer company took 0.90
of the wall time, 0.87 of the CPU and 0.62 of the peak memory, a 1,000,000-customer one 0.88 of
the wall time (docs/benchmarks.md)."""
# A piece grows past CHUNK_BYTES only to reach a record boundary; an unbalanced quote (a broken
# row) would make the whole rest of the file one record, so past this many chunks it is cut at
# the last line end and the reader quarantines the broken rows as it would in a small file.
MAX_PIECE_CHUNKS = 4


def read_extract(path: Path, entity: Entity) -> RawRecords:
    """Read `path` with the entity's format; columns renamed to canonical names, all text."""
    fmt = entity.format
    if fmt.kind == "csv":
        records = read_delimited(path, fmt)
    elif fmt.kind == "jsonl":
        records = read_json_lines(path, fmt)
    elif fmt.kind == "parquet":
        records = _read_parquet(path)
    else:  # pragma: no cover - the contract loader restricts kinds
        raise UnreadableFileError(f"unsupported file kind {fmt.kind!r}")
    return to_canonical(records, entity)


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
    Parquet files, JSON arrays and spread objects (`json_lines_reader`) and files up to
    `chunk_bytes` are read whole, as before; a gzip-compressed file (`ingestion.file_content`)
    always in pieces, since only its compressed size is known.

    Raises:
        UnreadableFileError: as `read_extract`, possibly after earlier pieces were yielded.
    """
    fmt = entity.format
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    small = not is_compressed(path) and path.stat().st_size <= chunk_bytes
    if fmt.kind == "parquet" or small or (fmt.kind == "jsonl" and _json_read_whole(path)):
        yield read_extract(path, entity)
        return
    header: str | None = None
    encoding, content_note = content_encoding(path, fmt.encoding)
    for data, offset, first_line in _pieces(path, chunk_bytes, quoted=fmt.kind == "csv"):
        text, note = decode_bytes(data, encoding, offset)
        if offset == 0:
            note = "; ".join(n for n in (content_note, note) if n)
        if fmt.kind == "jsonl":
            records = read_json_lines_text(text)
            shift = first_line - 1
        elif header is None:
            header = text.split("\n", 1)[0].rstrip("\r")
            records, shift = read_delimited_text(text, fmt), 0
        else:
            # The header again, then the piece: its first line is line 2 of that text.
            records, shift = read_delimited_text(header + "\n" + text, fmt), first_line - 2
        if shift and records.frame.width:
            frame = records.frame.with_columns(pl.col(ROW_NUMBER) + shift)
            records = replace(records, frame=frame)
        yield to_canonical(with_note(records, note), entity)


def _json_read_whole(path: Path) -> bool:
    """Whether a JSON file is one array or objects spread over lines (neither cut at line ends).

    Both shapes are `ingestion.json_lines_reader`'s.
    """
    head = next(read_blocks(path, 4096), b"").decode("utf-8", errors="replace")
    return is_json_array(head) or is_spread_json(head)


def _pieces(path: Path, chunk_bytes: int, *, quoted: bool) -> Iterator[tuple[bytes, int, int]]:
    """(bytes of whole records, their offset in the file, the 1-based line they start on)."""
    offset, line, carry = 0, 1, b""
    for block in read_blocks(path, chunk_bytes):
        data = carry + block
        forced = len(data) > MAX_PIECE_CHUNKS * chunk_bytes
        cut = _record_end(data, quoted=quoted and not forced)
        if cut == 0:
            carry = data
            continue
        piece, carry = data[:cut], data[cut:]
        yield piece, offset, line
        offset += cut
        line += piece.count(b"\n")
    if carry or not offset:
        yield carry, offset, line  # the rest, or an empty file's nothing (it has no header)


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


def _read_parquet(path: Path) -> RawRecords:
    """The file's typed columns rendered as text.

    Polars raises several error types for a corrupt file, and panics (PanicException, not an
    Exception) on a value it cannot render, such as a date beyond its range in a damaged file:
    both make the file unreadable. So does a Parquet file delivered gzip-compressed
    (`ingestion.file_content` says why).
    """
    if is_compressed(path):
        raise UnreadableFileError(
            "a Parquet file is not read gzip-compressed (Parquet compresses its own pages): "
            "deliver it as written, without the .gz"
        )
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

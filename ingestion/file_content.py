"""What a landed file holds, as the readers see it: decompressed, and UTF-16 made UTF-8.

**Compressed.** CRM and ERP exports often come gzip-compressed (Salesforce's Bulk API results,
scheduled NetSuite and SAP exports dropped on an SFTP server). A file whose name ends in `.gz` is
matched to its entity by the name without it (`delivered_name`) and read through a decompressing
stream, so the readers, the pieces of a large file and every check are the plain file's. A
damaged archive (truncated, or not gzip at all) makes the file unreadable, naming why; one found
damaged part-way is loaded not at all, like any file unreadable part-way. Parquet is not read
from a `.gz`: it compresses its own pages, and the erasure of a person rewrites Parquet files in
place, which it cannot do inside an archive.

**UTF-16.** A file that starts with a UTF-16 byte-order mark (Excel's "Unicode text", SAP GUI's
spreadsheet exports) is UTF-16 whatever the contract says: the mark is unambiguous, and read in a
single-byte encoding every character would come with a NUL. It is transcoded to UTF-8 as it
streams, so a large file is still cut between records (a UTF-16 line end is two bytes, which
cutting at a line feed would split), and decoded as UTF-8 with a note in the load log.

**Carriage returns.** A file whose lines end with a carriage return alone (classic Mac OS, Excel
for Mac's "CSV (Macintosh)"; no line feed in its first 64 KB) was read as one header line and
no record, every row lost without a word. Its carriage returns are read as line feeds, a value
spanning lines included, with a note in the load log.

The load log keeps the file as delivered (its name), and its content hash is the content's as read
here: the same extract plain or compressed, UTF-8 or UTF-16, is one content.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from ingestion.raw_records import UnreadableFileError, decode_bytes

GZIP_SUFFIX = ".gz"
CR_HEAD_BYTES = 1 << 16
CR_NOTE = "lines end with a carriage return alone (classic Mac OS): read as line ends"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF8 = "utf-8"


def is_compressed(path: Path) -> bool:
    """Whether the file is delivered gzip-compressed (by its name, as it is matched)."""
    return path.name.lower().endswith(GZIP_SUFFIX)


def delivered_name(file_name: str) -> str:
    """The name the contract matches: `accounts.csv.gz` is `accounts.csv`."""
    compressed = file_name.lower().endswith(GZIP_SUFFIX)
    return file_name[: -len(GZIP_SUFFIX)] if compressed else file_name


def _stored_blocks(path: Path, size: int) -> Iterator[bytes]:
    """The file's bytes, decompressed when it is `.gz`, in blocks of up to `size` bytes."""
    opener = gzip.open if is_compressed(path) else open
    try:
        with opener(path, "rb") as handle:
            while block := handle.read(size):
                yield block
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise UnreadableFileError(f"not a readable gzip file: {exc}") from exc


def starts_utf16(path: Path) -> bool:
    """Whether the content starts with a UTF-16 byte-order mark (no: a damaged archive)."""
    try:
        return next(_stored_blocks(path, 2), b"").startswith(UTF16_BOMS)
    except UnreadableFileError:
        return False  # read_blocks says why the file cannot be read


def _as_utf8(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """UTF-16 blocks (the first starting with its byte-order mark) as UTF-8, mark left out."""
    decoder = codecs.getincrementaldecoder("utf-16")()
    try:
        for block in blocks:
            yield decoder.decode(block).encode(UTF8)
        yield decoder.decode(b"", final=True).encode(UTF8)
    except UnicodeError as exc:
        raise UnreadableFileError(f"not valid UTF-16 after its byte-order mark: {exc}") from exc


def _decoded_blocks(path: Path, size: int) -> Iterator[bytes]:
    """The stored blocks, decompressed, and made UTF-8 when they are UTF-16."""
    blocks = _stored_blocks(path, size)
    if starts_utf16(path):
        return (block for block in _as_utf8(blocks) if block)
    return blocks


def ends_lines_with_cr(path: Path) -> bool:
    """Whether the content's lines end with a carriage return alone (no line feed in its head)."""
    try:
        head = next(_decoded_blocks(path, CR_HEAD_BYTES), b"")
    except UnreadableFileError:
        return False  # read_blocks says why the file cannot be read
    return b"\r" in head and b"\n" not in head


def read_blocks(path: Path, size: int) -> Iterator[bytes]:
    """The file's content as the readers see it (the module docstring), in blocks.

    Blocks are of up to `size` bytes as stored; UTF-16 made UTF-8 may be longer or shorter.

    Raises:
        UnreadableFileError: a damaged archive or UTF-16, possibly after earlier blocks.
    """
    blocks = _decoded_blocks(path, size)
    if ends_lines_with_cr(path):
        blocks = (block.replace(b"\r", b"\n") for block in blocks)
    yield from blocks


def read_content(path: Path) -> bytes:
    """The whole file's content as the readers see it.

    Raises:
        UnreadableFileError: a damaged archive or UTF-16.
    """
    return b"".join(read_blocks(path, 1 << 24))


def content_encoding(path: Path, declared: str) -> tuple[str, str]:
    """The encoding to decode `read_blocks`' content with, and a note for the load log.

    UTF-16 content comes as UTF-8 whatever the contract declares; the note says so when the
    contract declared something else, and when the lines end with a carriage return alone.
    """
    line_ends = CR_NOTE if ends_lines_with_cr(path) else ""
    if not starts_utf16(path):
        return declared, line_ends
    if "16" in codecs.lookup(declared).name:
        return UTF8, line_ends
    note = f"declared {declared} but the file is UTF-16 (byte-order mark): decoded as UTF-16"
    return UTF8, "; ".join(n for n in (note, line_ends) if n)


def decode_file(path: Path, encoding: str) -> tuple[str, str]:
    """A whole file's content as text, and its note on its encoding ("" if as declared)."""
    used, note = content_encoding(path, encoding)
    text, drift = decode_bytes(read_content(path), used, 0)
    return text, "; ".join(n for n in (note, drift) if n)

"""Extracts delivered gzip-compressed: `accounts.csv.gz` is `accounts.csv`, decompressed as read.

CRM and ERP exports often come compressed (Salesforce's Bulk API results, scheduled NetSuite and
SAP exports dropped on an SFTP server). A file whose name ends in `.gz` is matched to its entity
by the name without it (`delivered_name`) and read through a decompressing stream, so the readers,
the pieces of a large file and every check are the plain file's. The load log keeps the file as
delivered: its name and the hash of its compressed bytes.

A damaged archive (truncated, or not gzip at all) makes the file unreadable, naming why; one
found damaged part-way is loaded not at all, like any file unreadable part-way. Parquet is not
read from a `.gz`: it compresses its own pages, and the erasure of a person rewrites Parquet
files in place, which it cannot do inside an archive.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from ingestion.raw_records import UnreadableFileError, decode_bytes

GZIP_SUFFIX = ".gz"


def is_compressed(path: Path) -> bool:
    """Whether the file is delivered gzip-compressed (by its name, as it is matched)."""
    return path.name.lower().endswith(GZIP_SUFFIX)


def delivered_name(file_name: str) -> str:
    """The name the contract matches: `accounts.csv.gz` is `accounts.csv`."""
    compressed = file_name.lower().endswith(GZIP_SUFFIX)
    return file_name[: -len(GZIP_SUFFIX)] if compressed else file_name


def _unreadable(exc: Exception) -> UnreadableFileError:
    return UnreadableFileError(f"not a readable gzip file: {exc}")


def read_blocks(path: Path, size: int) -> Iterator[bytes]:
    """The file's content, decompressed when it is `.gz`, in blocks of up to `size` bytes.

    Raises:
        UnreadableFileError: the archive is damaged, possibly after earlier blocks were given.
    """
    opener = gzip.open if is_compressed(path) else open
    try:
        with opener(path, "rb") as handle:
            while block := handle.read(size):
                yield block
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise _unreadable(exc) from exc


def read_content(path: Path) -> bytes:
    """The whole file's content, decompressed when it is `.gz`.

    Raises:
        UnreadableFileError: the archive is damaged.
    """
    if not is_compressed(path):
        return path.read_bytes()
    try:
        return gzip.decompress(path.read_bytes())
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise _unreadable(exc) from exc


def decode_file(path: Path, encoding: str) -> tuple[str, str]:
    """A whole file's content as text, and its note on encoding drift ("" if none)."""
    return decode_bytes(read_content(path), encoding, 0)

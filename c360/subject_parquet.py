"""Rewrite a Parquet file without one person: their records out, their mentions redacted.

Parquet pages are compressed, so a name never shows in the file's bytes and cannot be patched
there: the file is read, filtered and written again, under a temporary name renamed over the
original, with the codec it was written with (zstd for the raw area, whatever an exporter used
for a delivered extract). Nothing of the old pages survives: the new file is written from
scratch.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from c360.subject import Subject

_POLARS_CODECS = ("zstd", "snappy", "gzip", "lz4", "brotli", "uncompressed")


def _codec(path: Path) -> str:
    """The compression of the file's first column chunk, as Polars names it."""
    metadata = pq.ParquetFile(path).metadata
    if metadata.num_row_groups == 0 or metadata.num_columns == 0:
        return "zstd"
    codec = metadata.row_group(0).column(0).compression.lower().removesuffix("_raw")
    return codec if codec in _POLARS_CODECS else "zstd"


def scrub_parquet(path: Path, subject: Subject, *, extract: bool) -> pl.DataFrame | None:
    """Remove the person's records from `path` and redact their mentions; the rows removed.

    `extract`: the file holds an extract's records (landing, raw, quarantine), see
    `Subject.owned_rows`. The file is rewritten only when something changed (None: nothing).
    """
    frame = pl.read_parquet(path)
    owned = subject.owned_rows(frame, extract=extract)
    mentioned = subject.mentioned(frame)
    if not (owned.any() or mentioned.any()):
        return None
    write_parquet(subject.redact(frame.filter(~owned)), path)
    return frame.filter(owned)


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write `frame` over `path` with the file's own codec: temporary name, then rename."""
    codec = _codec(path) if path.exists() else "zstd"
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        frame.write_parquet(tmp, compression=codec)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)

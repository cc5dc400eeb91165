"""One extract file as the writer assembles it, and how a finished file is put in place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingestion.contracts import Entity


@dataclass
class ExtractFile:
    """One extract file being assembled.

    `lines` counts the physical lines written so far (header included), so a tagged row's line
    number is known without reading the file back; `last_key` and `last_clean` describe its
    last row, which a truncation may cut.
    """

    name: str
    entity: Entity
    day: int
    path: Path
    relative: str
    is_snapshot: bool
    header: bytes = b""
    lines: int = 0
    rows: int = 0
    started: bool = False
    last_key: str | None = None
    last_clean: bool = False
    has_defects: bool = False
    parts: list[pl.DataFrame] = field(default_factory=list)

    @property
    def temporary(self) -> Path:
        """Hidden name the file is assembled under; readers ignore dot files."""
        return self.path.with_name(f".{self.path.name}.tmp")


def in_delivery_order(files: dict[tuple[str, int, bool], ExtractFile]) -> list[ExtractFile]:
    """The files by day, then entity, snapshots after deltas: file defects are chosen in it."""
    return [files[key] for key in sorted(files, key=lambda k: (k[1], k[0], k[2]))]


def atomic_write(path: Path, payload: bytes) -> None:
    """Write to a hidden temporary name, then rename: readers never see a partial file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, path)

"""Seeded damage to landed extract files, the kind a real delivery brings: for the soak run.

Five kinds: a file cut short at any byte, a quote inserted into a line (unbalanced quoting), NUL
bytes inside a line, a Windows-1252 file re-encoded as UTF-8 (the exporter changed, the contract
did not), and random bytes under a `.csv` name. A mutated file is written as a new file in place
of the landed one, never through it: the soak lands day folders as hard links to the generated
company, which must stay intact.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingestion.landing import MARKER_FILES

NON_ASCII = re.compile(rb"[\x80-\xff]")
KINDS = ("truncated", "broken_quote", "nul_bytes", "utf8_as_cp1252", "binary_garbage")


@dataclass(frozen=True)
class Mutation:
    """One damaged file: its path relative to the landing folder and what was done to it."""

    file: str
    kind: str


def _line_start(data: bytes, rng: random.Random) -> int:
    """The start of a random line after the header (the first line when there is no other)."""
    newline = data.find(b"\n", rng.randrange(len(data)))
    if 0 <= newline < len(data) - 1:
        return newline + 1
    first = data.find(b"\n")
    return first + 1 if 0 <= first < len(data) - 1 else 0


def _truncated(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def _broken_quote(data: bytes, rng: random.Random) -> bytes:
    at = _line_start(data, rng) + rng.randrange(0, 12)
    return data[:at] + b'"' + data[at:]


def _nul_bytes(data: bytes, rng: random.Random) -> bytes:
    at = _line_start(data, rng) + rng.randrange(0, 12)
    return data[:at] + b"\x00" * rng.randrange(1, 4) + data[at:]


def _utf8_as_cp1252(data: bytes, rng: random.Random) -> bytes:
    return data.decode("cp1252", errors="replace").encode("utf-8")


def _binary_garbage(data: bytes, rng: random.Random) -> bytes:
    return rng.randbytes(max(64, min(len(data), 4096)))


MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncated": _truncated,
    "broken_quote": _broken_quote,
    "nul_bytes": _nul_bytes,
    "utf8_as_cp1252": _utf8_as_cp1252,
    "binary_garbage": _binary_garbage,
}


def _candidates(landing: Path, folders: list[Path], kind: str) -> list[Path]:
    files = sorted(
        p
        for folder in folders
        for p in folder.iterdir()
        if p.is_file() and p.name not in MARKER_FILES and p.stat().st_size > 0
    )
    if kind == "utf8_as_cp1252":  # a cp1252 file with bytes above ASCII, else it changes nothing
        return [
            p
            for p in files
            if p.suffix == ".csv"
            and p.relative_to(landing).parts[0] == "erp"
            and NON_ASCII.search(p.read_bytes())
        ]
    if kind == "binary_garbage":
        return [p for p in files if p.suffix == ".csv"]
    return [p for p in files if p.suffix in {".csv", ".jsonl"}]


def mutate_day(landing: Path, day: str, seed: int, files: int = 2) -> list[Mutation]:
    """Damage `files` files of the extract folders of `day` (`YYYY-MM-DD`), seeded by day."""
    rng = random.Random(f"{seed}:{day}")
    folders = sorted(p for p in landing.glob(f"*/{day}") if p.is_dir())
    done: list[Mutation] = []
    for kind in rng.sample(KINDS, k=min(files, len(KINDS))):
        taken = {m.file for m in done}
        candidates = [
            p
            for p in _candidates(landing, folders, kind)
            if p.relative_to(landing).as_posix() not in taken
        ]
        if not candidates:
            continue
        path = rng.choice(candidates)
        damaged = MUTATORS[kind](path.read_bytes(), rng)
        path.unlink()  # a hard link to the generated company: replace it, never write through it
        path.write_bytes(damaged)
        done.append(Mutation(path.relative_to(landing).as_posix(), kind))
    return done

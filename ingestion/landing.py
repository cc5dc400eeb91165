"""Find the extract files in the landing folder and match them to contract entities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ingestion.contracts import Entity, SourceContract

MARKER_FILES = frozenset({"_SUCCESS"})


@dataclass(frozen=True)
class LandedFile:
    """One file of an extract folder and the entity it carries (None: no contract matches)."""

    path: Path
    relative_path: str
    source: str
    extract_date: dt.date
    entity: Entity | None
    is_snapshot: bool = False


def extract_folders(landing_dir: Path, source: str) -> list[tuple[dt.date, Path]]:
    """The `<landing>/<source>/<YYYY-MM-DD>` folders in date order; other names are ignored."""
    root = landing_dir / source
    if not root.is_dir():
        return []
    folders = []
    for child in root.iterdir():
        try:
            folders.append((dt.date.fromisoformat(child.name), child))
        except ValueError:
            continue
    return sorted(f for f in folders if f[1].is_dir())


def match_entity(contract: SourceContract, file_name: str) -> tuple[Entity | None, str | None]:
    """The entity a file carries and whether as a `delta` or a full `snapshot`.

    Snapshots are matched first, so `customers_full.csv` is never taken for a `customers` delta.
    """
    for mode in ("snapshot", "delta"):
        for entity in contract.entities.values():
            if entity.match(file_name) == mode:
                return entity, mode
    return None, None


def landed_files(landing_dir: Path, contract: SourceContract) -> list[LandedFile]:
    """Every file of every extract folder of a source, oldest folder first."""
    files: list[LandedFile] = []
    for extract_date, folder in extract_folders(landing_dir, contract.source):
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            if path.name in MARKER_FILES or path.name.startswith("."):
                continue
            entity, mode = match_entity(contract, path.name)
            files.append(
                LandedFile(
                    path=path,
                    relative_path=path.relative_to(landing_dir).as_posix(),
                    source=contract.source,
                    extract_date=extract_date,
                    entity=entity,
                    is_snapshot=mode == "snapshot",
                )
            )
    return files


def newest_complete_extracts(landing_dir: Path, sources: list[str]) -> dict[str, dt.date]:
    """Per source, the newest extract folder holding its `_SUCCESS` marker (delivery complete).

    A folder without the marker may still be being copied; it is not reported until it is done.
    """
    newest: dict[str, dt.date] = {}
    for source in sources:
        complete = [
            extract_date
            for extract_date, folder in extract_folders(landing_dir, source)
            if any((folder / marker).exists() for marker in MARKER_FILES)
        ]
        if complete:
            newest[source] = max(complete)
    return newest

"""Find the extract files in the landing folder and match them to contract entities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ingestion.contracts import Entity, SourceContract
from ingestion.file_content import delivered_name

MARKER_FILES = frozenset({"_SUCCESS"})
INTRADAY_FOLDER_FORMAT = "%Y-%m-%dT%H%M"
"""An intra-day delivery's folder (`2026-09-05T1400`): the changes up to that time of the day."""
DAYS_AHEAD_READ = 1
"""How many days after today (UTC) a delivery folder may be dated and still be read: a system a
timezone or two ahead names its folder with tomorrow's date before midnight here."""


@dataclass(frozen=True)
class LandedFile:
    """One file of an extract folder and the entity it carries (None: no contract matches)."""

    path: Path
    relative_path: str
    source: str
    extract_date: dt.date | None  # None: a file of a folder not named as a delivery
    entity: Entity | None
    is_snapshot: bool = False


def delivery_instant(name: str) -> dt.datetime | None:
    """When the extract in folder `name` was taken; None when the name is not a delivery's.

    `YYYY-MM-DD` is a day's extract, which covers the whole day (its end); `YYYY-MM-DDTHHMM` is
    an intra-day one, taken at that time. A day's extract thus comes after its intra-day ones.
    """
    try:
        return dt.datetime.combine(dt.date.fromisoformat(name), dt.time.max)
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(name, INTRADAY_FOLDER_FORMAT)
    except ValueError:
        return None


def extract_folders(landing_dir: Path, source: str) -> list[tuple[dt.date, Path]]:
    """The source's delivery folders with their extract dates, oldest first (delivery_instant).

    `<landing>/<source>/<YYYY-MM-DD>`, or an intra-day `<YYYY-MM-DDTHHMM>`; other names are
    ignored.
    """
    root = landing_dir / source
    if not root.is_dir():
        return []
    folders = []
    for child in root.iterdir():
        instant = delivery_instant(child.name)
        if instant is not None and child.is_dir():
            folders.append((instant, child))
    return [(instant.date(), folder) for instant, folder in sorted(folders)]


def match_entity(contract: SourceContract, file_name: str) -> tuple[Entity | None, str | None]:
    """The entity a file carries and whether as a `delta` or a full `snapshot`.

    Snapshots are matched first, so `customers_full.csv` is never taken for a `customers` delta.
    A gzip-compressed file is matched by its name without `.gz` (`ingestion.file_content`).
    """
    name = delivered_name(file_name)
    for mode in ("snapshot", "delta"):
        for entity in contract.entities.values():
            if entity.match(name) == mode:
                return entity, mode
    return None, None


def delivery_files(folder: Path) -> list[Path]:
    """Every file of a delivery folder, in its subfolders too, sorted; markers and hidden left out.

    Why the subfolders: an export that puts each object in a folder of its own
    (`crm/2026-12-08/Account/Account.csv`) was read as an empty delivery, its files neither
    loaded nor reported. A hidden file or folder (a copy in progress) is left alone.
    """
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.name not in MARKER_FILES
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def is_complete(folder: Path) -> bool:
    """Whether a delivery folder holds the `_SUCCESS` marker a delivery writes last."""
    return any((folder / marker).exists() for marker in MARKER_FILES)


def is_dated_ahead(name: str, today: dt.date | None = None) -> bool:
    """Whether a delivery folder's name dates it after tomorrow (`DAYS_AHEAD_READ`).

    Why: `crm/2062-12-08/`, a typo for 2026, or a folder named by a system whose clock is wrong,
    was read as the newest extract. Its dates passed the plausibility window (which is relative
    to the folder's date), and the monthly marts ran to December 2062, the dashboards' latest
    month with them.
    """
    instant = delivery_instant(name)
    latest = (today or dt.datetime.now(dt.UTC).date()) + dt.timedelta(days=DAYS_AHEAD_READ)
    return instant is not None and instant.date() > latest


def waiting_folders(landing_dir: Path, source: str, today: dt.date | None = None) -> list[Path]:
    """The source's delivery folders not read yet, oldest first.

    Those dated after tomorrow (`is_dated_ahead`), and those without their `_SUCCESS` marker
    yet. Why the marker: a refresh the schedule or a user starts while a delivery is still being
    copied would read its files so far (a CSV cut mid-line, an entity not there yet). Once a
    source's deliveries end with the marker (any of its folders holds one), a folder without it
    is waiting and no refresh reads it; the landing sensor waits for the marker the same way. A
    source that never writes the marker (files copied by hand, a one-off export) is read as it
    lands.
    """
    folders = [folder for _, folder in extract_folders(landing_dir, source)]
    uses_markers = any(is_complete(folder) for folder in folders)
    return [
        folder
        for folder in folders
        if is_dated_ahead(folder.name, today) or (uses_markers and not is_complete(folder))
    ]


def waiting_deliveries(landing_dir: Path, sources: list[str]) -> dict[Path, int]:
    """Every source's waiting folders (`waiting_folders`), with their files' count."""
    return {
        folder: len(delivery_files(folder))
        for source in sources
        for folder in waiting_folders(landing_dir, source)
    }


def waiting_folder_message(folder: Path, files: int) -> str:
    """Why the files of a waiting delivery folder (`waiting_folders`) are not read yet."""
    if is_dated_ahead(folder.name):
        return (
            f"{folder.as_posix()}/ ({files} file(s)) is not read yet: it is dated after "
            "tomorrow, a typo in its name or a wrong clock where it was written? It is read "
            "from the day before its date, or once renamed to the day it was extracted"
        )
    return (
        f"{folder.as_posix()}/ ({files} file(s)) is not read yet: it has no _SUCCESS marker, "
        "which this source's deliveries write when they are complete; it is read once the "
        "marker is there"
    )


def readable_folders(landing_dir: Path, source: str) -> list[tuple[dt.date, Path]]:
    """The source's delivery folders a refresh reads, oldest first: those not `waiting_folders`."""
    waiting = set(waiting_folders(landing_dir, source))
    return [pair for pair in extract_folders(landing_dir, source) if pair[1] not in waiting]


def landed_files(landing_dir: Path, contract: SourceContract) -> list[LandedFile]:
    """Every file of every complete extract folder of a source, oldest folder first.

    A folder still waiting for its marker (`waiting_folders`) is left out until it has it.
    """
    files: list[LandedFile] = []
    for extract_date, folder in readable_folders(landing_dir, contract.source):
        for path in delivery_files(folder):
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


def newest_complete_extracts(landing_dir: Path, sources: list[str]) -> dict[str, str]:
    """Per source, the name of its newest delivery folder holding the `_SUCCESS` marker.

    A folder without the marker may still be being copied; it is not reported until it is done,
    nor is one dated after tomorrow (`is_dated_ahead`).
    """
    newest: dict[str, str] = {}
    for source in sources:
        readable = readable_folders(landing_dir, source)
        complete = [folder.name for _, folder in readable if is_complete(folder)]
        if complete:
            newest[source] = complete[-1]
    return newest


def loose_files(landing_dir: Path, source: str) -> list[Path]:
    """Files put straight into `landing/<source>/`, in no delivery folder; hidden ones left out.

    Why: `landing/crm/accounts.csv` was read by nothing and reported by nothing.
    """
    root = landing_dir / source
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.iterdir()
        if path.is_file() and path.name not in MARKER_FILES and not path.name.startswith(".")
    )


def misnamed_folder_files(landing_dir: Path, contract: SourceContract) -> list[LandedFile]:
    """The source's files outside delivery folders: in misnamed ones (`2026-9-5`, `latest`), loose.

    Ingestion reads delivery folders only; these files are rejected with the folder named
    (`ingestion.load.reject_misnamed_folders`), so none waits unreported. Each keeps the entity
    its name matches, so the refresh counts it with that entity's files. Hidden folders are
    left alone.
    """
    root = landing_dir / contract.source
    if not root.is_dir():
        return []
    paths = loose_files(landing_dir, contract.source)
    for folder in sorted(root.iterdir()):
        if (
            folder.is_dir()
            and not folder.name.startswith(".")
            and not delivery_instant(folder.name)
        ):
            paths += delivery_files(folder)
    files = []
    for path in paths:
        entity, _ = match_entity(contract, path.name)
        relative = path.relative_to(landing_dir).as_posix()
        files.append(LandedFile(path, relative, contract.source, None, entity))
    return files


def unread_landing_folders(landing_dir: Path, sources: list[str]) -> dict[str, int]:
    """Folders of the landing area that no source is named after, with their files' count.

    Ingestion reads `landing/<source>/` for each source only, so the files of `landing/hubspot/`
    or `landing/salesforce/` (a Salesforce export belongs in `landing/crm/`, its preset named
    in `sources.yml`) are never read. They are not the load log's to hold (no file of them was
    read), so every refresh and `c360 status` say so instead. Hidden folders are left alone.
    """
    if not landing_dir.is_dir():
        return {}
    return {
        folder.name: sum(
            1
            for path in folder.rglob("*")
            if path.is_file() and path.name not in MARKER_FILES and not path.name.startswith(".")
        )
        for folder in sorted(landing_dir.iterdir())
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in sources
    }


def unread_folder_message(folder: Path, files: int, sources: list[str]) -> str:
    """Why the files of a landing folder of no source are not read, and where they belong."""
    return (
        f"{folder.as_posix()}/ ({files} file(s)) is not read: no source is named "
        f"{folder.name!r} (the sources are {', '.join(sources)}; a Salesforce, NetSuite or SAP "
        "export goes in its source's folder, with its preset named in sources.yml)"
    )


def folders_not_read(
    landing_dir: Path, sources: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """The landing folders no source reads, and the deliveries still waiting, with file counts.

    Waiting ones are keyed by their path relative to the landing folder, as `not_read_messages`
    and the load log's materialization show them.
    """
    waiting = {
        folder.relative_to(landing_dir).as_posix(): count
        for folder, count in waiting_deliveries(landing_dir, sources).items()
    }
    return unread_landing_folders(landing_dir, sources), waiting


def not_read_messages(
    shown_as: Path, sources: list[str], unread: dict[str, int], waiting: dict[str, int]
) -> list[str]:
    """Why each landing folder not read is not, the folders shown under `shown_as`.

    `unread`: `unread_landing_folders`; `waiting`: `waiting_deliveries` keyed by the folder
    relative to the landing folder. `shown_as` is the landing folder's path for the command
    line, `landing` in Dagster's log.
    """
    return [
        *(unread_folder_message(shown_as / name, n, sources) for name, n in unread.items()),
        *(waiting_folder_message(shown_as / folder, n) for folder, n in waiting.items()),
    ]

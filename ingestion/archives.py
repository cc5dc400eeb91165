"""Zip archives in a delivery folder: unpacked into a folder of the delivery before it is read.

Why: Salesforce's Data Export delivers its objects as zip files (`WE_00D..._1.ZIP` holding
`Account.csv`, `Contact.csv`, ...), and so do many scheduled exports dropped on an SFTP server.
Such an archive was an unknown file ("no contract entity matches this file name"), its records
never read.

`<folder>/X.zip` becomes the folder `<folder>/X/` holding its members (their own subfolders
kept), which ingestion reads as any subfolder of a delivery (`ingestion.landing.delivery_files`),
each file matched by its own name; the archive is removed once the folder is complete, so the
landing folder holds each record once, where a person's erasure finds it. The members are written
into a hidden folder first (`.X.unpacking`, which every reader leaves alone), then renamed into
place: a crash leaves the archive and at most that hidden folder, which the next unpacking
replaces. An archive unpacked before (the folder there, the archive not yet removed) is removed.
An archive inside an archive is unpacked in turn.

An archive that cannot be unpacked whole is left as it is, nothing of it unpacked, and is
logged rejected, naming why (`Unpacked.problem`): damaged, password-protected, compressed by a
method Python cannot read, a member named outside its folder (`../x.csv`, `/etc/x`), no file
in it, or larger unpacked than the free disk. macOS's resource forks (`__MACOSX/`) and hidden
members are not unpacked: they are not data. Another archive format (`.7z`, `.rar`, `.tar.gz`)
is not unpacked; its message says so (`archive_hint`).
"""

from __future__ import annotations

import logging
import shutil
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ingestion.landing import delivery_files

log = logging.getLogger(__name__)

ZIP_SUFFIX = ".zip"
OTHER_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".7z", ".rar")
MAX_NESTING = 3
"""How many archives deep an archive inside an archive is unpacked."""
RESOURCE_FORKS = "__MACOSX"
_ENCRYPTED = 0x1
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class Unpacked:
    """One archive: the folder it was unpacked into, or why it was not (`problem`)."""

    archive: Path
    folder: Path | None
    files: int = 0
    problem: str | None = None


def is_zip(path: Path) -> bool:
    """Whether a file is delivered as a zip archive (by its name, in any case)."""
    return path.name.lower().endswith(ZIP_SUFFIX)


def archive_hint(file_name: str) -> str | None:
    """What to do with an archive of a format that is not unpacked, or None for another file."""
    lower = file_name.lower()
    suffix = next((s for s in OTHER_ARCHIVE_SUFFIXES if lower.endswith(s)), None)
    if suffix is None:
        return None
    return (
        f"a {suffix} archive is not unpacked: unpack it into the delivery folder, or deliver a "
        "zip archive, which is unpacked there"
    )


def _member_path(name: str) -> PurePosixPath | None:
    """A member's path inside its folder; None for one named outside it (`..`, absolute)."""
    path = PurePosixPath(name.replace("\\", "/"))
    parts = [part for part in path.parts if part not in ("", ".")]
    unsafe = path.is_absolute() or ".." in parts or (parts and parts[0].endswith(":"))
    return None if unsafe or not parts else PurePosixPath(*parts)


def _is_data(member: PurePosixPath) -> bool:
    return member.parts[0] != RESOURCE_FORKS and not any(p.startswith(".") for p in member.parts)


def _members(archive: zipfile.ZipFile) -> tuple[list[tuple[zipfile.ZipInfo, PurePosixPath]], str]:
    """The archive's files to unpack, or the problem that stops the whole archive."""
    members = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        member = _member_path(info.filename)
        if member is None:
            return [], f"member {info.filename!r} is named outside the archive's folder"
        if info.flag_bits & _ENCRYPTED:
            return [], (
                f"member {info.filename!r} is encrypted: export the archive without a password"
            )
        if _is_data(member):
            members.append((info, member))
    if not members:
        return [], "the archive holds no file"
    return members, ""


def _free_name(folder: Path) -> Path:
    """`folder`, or `folder-2`, `folder-3`... whichever does not exist yet."""
    candidate, n = folder, 1
    while candidate.exists():
        n += 1
        candidate = folder.with_name(f"{folder.name}-{n}")
    return candidate


def _unpacked_before(members: list[tuple[zipfile.ZipInfo, PurePosixPath]], folder: Path) -> bool:
    """Whether `folder` holds every member already, byte for byte (a crash before the removal)."""
    for info, member in members:
        path = folder / member
        if not path.is_file() or path.stat().st_size != info.file_size:
            return False
        crc = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                crc = zlib.crc32(block, crc)
        if crc != info.CRC:
            return False
    return True


def _write_members(
    archive: zipfile.ZipFile, members: list[tuple[zipfile.ZipInfo, PurePosixPath]], into: Path
) -> None:
    for info, member in members:
        target = into / member
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)


def unpack_archive(path: Path) -> Unpacked:
    """Unpack one zip archive beside itself into the folder named by its stem; remove it after.

    Nothing is unpacked when any member cannot be (`Unpacked.problem` says why); the archive then
    stays. A disk too full for the unpacked files, or a folder this process may not write in, is
    a problem of the archive too: the refresh goes on with the other files.
    """
    folder = path.with_name(path.name[: -len(ZIP_SUFFIX)])
    staging = path.with_name(f".{folder.name}.unpacking")
    try:
        with zipfile.ZipFile(path) as archive:
            members, problem = _members(archive)
            if problem:
                return Unpacked(path, None, problem=problem)
            if folder.is_dir() and _unpacked_before(members, folder):
                path.unlink()
                return Unpacked(path, folder, len(members))
            needed = sum(info.file_size for info, _ in members)
            free = shutil.disk_usage(path.parent).free
            if needed > free:
                return Unpacked(
                    path,
                    None,
                    problem=f"its files take {needed:,} bytes unpacked; the disk has {free:,} free",
                )
            shutil.rmtree(staging, ignore_errors=True)
            _write_members(archive, members, staging)
        folder = _free_name(folder)
        staging.rename(folder)
        path.unlink()
    except _READ_ERRORS as exc:
        shutil.rmtree(staging, ignore_errors=True)
        return Unpacked(path, None, problem=f"not a readable zip archive: {exc}")
    except OSError as exc:  # a read-only landing folder, a full disk: the refresh goes on
        shutil.rmtree(staging, ignore_errors=True)
        return Unpacked(path, None, problem=f"cannot be unpacked beside itself: {exc}")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("unpacked %s: %d file(s) into %s/", path, len(members), folder.name)
    return Unpacked(path, folder, len(members))


def _archives(folder: Path) -> list[Path]:
    return [path for path in delivery_files(folder) if is_zip(path)]


def unpack_archives(folder: Path) -> list[Unpacked]:
    """Unpack every zip archive under `folder` (hidden files and folders left alone).

    Archives found inside unpacked ones are unpacked in turn, up to `MAX_NESTING` deep. Those
    that could not be unpacked are returned with their problem, and stay where they are.
    """
    results: list[Unpacked] = []
    failed: set[Path] = set()
    for _ in range(MAX_NESTING):
        pending = [path for path in _archives(folder) if path not in failed]
        if not pending:
            break
        for path in pending:
            result = unpack_archive(path)
            if result.problem:
                failed.add(path)
            results.append(result)
    return results

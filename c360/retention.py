"""Retention: how long delivered extracts and replaced serving versions are kept.

Personal data should be kept in as few places as possible and no longer than needed (GDPR
article 5(1)(e)). Once an extract is loaded, its rows live on in the raw area; the file itself
only serves a reload by hand. Once a serving version is replaced, it only serves `c360
rollback`. `C360_RETENTION_DAYS` (unset: keep everything, as before) says how long both are
kept after that moment:

- a landed file goes once its load log entry (whatever its status: loaded, duplicate, rejected)
  is older than the retention; its entry stays, so the file is never looked for again, and a
  re-delivery of the same content is still recognised as a duplicate by its hash. An extract
  folder left with only its `_SUCCESS` marker goes too. A file rejected because its folder is
  not named as a delivery (its entry has no extract date) stays: nothing read it yet, and
  renaming the folder loads it;
- a serving version goes once another version has been current for longer than the retention
  (the serving history says when), never the current one, with every file of that version
  (`c360-<time>.*`: a version may be several files).

The count limit (`C360_KEEP_VERSIONS`) still applies: whichever removes a version first.
Applied by every refresh after publishing, under the refresh lock.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from c360.settings import Settings
from c360.version_integrity import history_entries

COMPLETION_MARKER = "_SUCCESS"  # what a source writes last in an extract folder (docs/ingestion.md)


@dataclass
class RetentionResult:
    """What retention removed."""

    landing_files: list[Path] = field(default_factory=list)
    serving_files: list[Path] = field(default_factory=list)


def _expired_landing(settings: Settings, cutoff: dt.datetime) -> list[Path]:
    files = sorted(settings.load_log_dir.glob("*.parquet"))
    if not files:
        return []
    log = pl.concat(
        [pl.read_parquet(f, columns=["source_file", "extract_date", "finished_at"]) for f in files],
        how="vertical_relaxed",
    )
    read = (pl.col("finished_at") < cutoff) & pl.col("extract_date").is_not_null()
    handled = log.filter(read)["source_file"].drop_nulls().to_list()
    return [settings.landing_dir / f for f in handled if (settings.landing_dir / f).is_file()]


def _remove_empty_folders(landing_dir: Path) -> None:
    """Extract folders left with nothing but their completion marker (and empty subfolders)."""
    for folder in sorted(landing_dir.glob("*/*"), reverse=True):
        if folder.is_dir() and all(
            p.is_dir() or p.name == COMPLETION_MARKER for p in folder.rglob("*")
        ):
            shutil.rmtree(folder)


def replaced_at(settings: Settings) -> dict[str, dt.datetime]:
    """When each served version stopped being current (the next switch to another one)."""
    replaced: dict[str, dt.datetime] = {}
    current: str | None = None
    for entry in history_entries(settings.serving_dir):
        version = entry.get("version")
        if entry.get("action") == "erase" or version is None or version == current:
            continue  # an erasure rewrites a version in place: not a switch
        if current is not None:
            replaced[current] = dt.datetime.fromisoformat(entry["at"])
        replaced.pop(version, None)
        current = version
    return replaced


def _expired_versions(settings: Settings, cutoff: dt.datetime) -> list[Path]:
    if not settings.current_pointer.exists():
        return []
    current = settings.current_pointer.resolve().name
    stems = [
        version.removesuffix(".duckdb")
        for version, at in replaced_at(settings).items()
        if at < cutoff and version != current
    ]
    return sorted(
        path
        for stem in stems
        for path in settings.serving_dir.glob(f"{stem}.*")
        if path.is_file() and not path.is_symlink()
    )


def apply_retention(settings: Settings, now: dt.datetime | None = None) -> RetentionResult:
    """Delete landed files and replaced serving versions older than the retention."""
    result = RetentionResult()
    if settings.retention_days is None:
        return result
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=settings.retention_days)
    result.landing_files = _expired_landing(settings, cutoff)
    for path in result.landing_files:
        path.unlink()
    if settings.landing_dir.is_dir():
        _remove_empty_folders(settings.landing_dir)
    result.serving_files = _expired_versions(settings, cutoff)
    for path in result.serving_files:
        path.unlink()
    return result

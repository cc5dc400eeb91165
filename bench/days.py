"""Daily extract folders: a landing area with its first days, then one more day.

The generator does not extend a company: the same seed with one more day gives different files
from the first day on (the simulation depends on the whole timeline). So the harness generates
`days + 1` once and lands the first `days` day folders for the full refresh, then the last one
for the incremental refresh: both refreshes read files of one and the same company.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path


def extract_days(landing: Path) -> list[dt.date]:
    """Every extract date of a landing area (`<source>/<YYYY-MM-DD>/`), oldest first."""
    days: set[dt.date] = set()
    for source in Path(landing).iterdir():
        if not source.is_dir():
            continue
        for folder in source.iterdir():
            try:
                days.add(dt.date.fromisoformat(folder.name))
            except ValueError:
                continue
    return sorted(days)


def land_days(source_landing: Path, target_landing: Path, days: list[dt.date]) -> int:
    """Hard-link the day folders of `days` from every source into `target_landing`; files linked.

    Links, not copies: the extracts are only read, and 100,000 customers are about 1 GB. A file
    already landed is left alone, so landing the same day twice is harmless.
    """
    wanted = {day.isoformat() for day in days}
    linked = 0
    for source in sorted(p for p in Path(source_landing).iterdir() if p.is_dir()):
        for folder in sorted(p for p in source.iterdir() if p.name in wanted):
            target = Path(target_landing) / source.name / folder.name
            target.mkdir(parents=True, exist_ok=True)
            for file in sorted(p for p in folder.iterdir() if p.is_file()):
                if not (target / file.name).exists():
                    _link_or_copy(file, target / file.name)
                    linked += 1
    return linked


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)

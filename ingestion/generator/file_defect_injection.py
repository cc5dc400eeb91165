"""Apply the file-level defects once every extract file is complete, and log each one.

Which files get an empty body or a changed header is planned before writing (`file_defects`);
which files are truncated or delivered twice is chosen here, from what was actually written:
a truncation needs a file with two or more rows whose last row is clean, a re-delivery a file
with no other defect.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from ingestion.generator.defect_log import file_defect
from ingestion.generator.extract_file import ExtractFile, atomic_write
from ingestion.generator.file_defects import (
    RESEND_DELAY_DAYS,
    TRUNCATION_TARGETS,
    FileDefectPlan,
    choose,
)
from ingestion.generator.timeline import Timeline, date_of


def header_defects(files: list[ExtractFile], plan: FileDefectPlan) -> list[pl.DataFrame]:
    """Log the planned empty files and header changes (the writer already applied them)."""
    defects = []
    for handle in files:
        if handle.is_snapshot:
            continue
        if handle.day in plan.empty_days.get(handle.name, []):
            detail = "0 bytes, not even a header; the day's records come in the next extract"
            defects.append(file_defect("empty_file", handle.entity, handle.relative, detail))
            handle.has_defects = True
            continue
        added = plan.added_column(handle.name, handle.day, is_snapshot=False)
        if added:
            first = date_of(plan.added_columns[handle.name]).isoformat()
            detail = f"column {added[0]} appended to the header from {first} on"
            defects.append(file_defect("added_column", handle.entity, handle.relative, detail))
            handle.has_defects = True
        renamed = plan.renamed_columns.get((handle.name, handle.day))
        if renamed:
            detail = (
                f"header {renamed[0]} renamed {renamed[1]} in this file only: the column "
                "loads empty"
            )
            defects.append(file_defect("renamed_column", handle.entity, handle.relative, detail))
            handle.has_defects = True
    return defects


def truncate_last_lines(
    files: list[ExtractFile], plan: FileDefectPlan, timeline: Timeline, rng: np.random.Generator
) -> list[pl.DataFrame]:
    """Cut the last line of some single-version ERP files in the middle."""
    candidates = [
        handle
        for handle in files
        if not handle.is_snapshot
        and handle.name in TRUNCATION_TARGETS
        and handle.day > timeline.start
        and handle.rows >= 2
        and handle.last_clean
        and handle.day not in plan.empty_days.get(handle.name, [])
    ]
    defects = []
    for handle in choose(rng, candidates, plan.truncated_files):
        content = handle.temporary.read_bytes()
        start = content.rindex(b"\n", 0, len(content) - 1) + 1
        line = content[start:-1]
        # cut before the last separator at the latest, so the row is short of a field
        separator = handle.entity.format.separator.encode(handle.entity.format.encoding)
        keep = max(1, min(len(line) // 2, line.rfind(separator)))
        handle.temporary.write_bytes(content[: start + keep])
        detail = f"last line cut after {keep} of {len(line)} bytes, no final newline"
        defects.append(
            file_defect(
                "truncated_line",
                handle.entity,
                handle.relative,
                detail,
                row_number=handle.lines,
                key=handle.last_key,
            )
        )
        handle.has_defects = True
    return defects


def resend_files(
    files: list[ExtractFile],
    plan: FileDefectPlan,
    timeline: Timeline,
    landing: Path,
    rng: np.random.Generator,
) -> list[pl.DataFrame]:
    """Deliver some complete files a second time, byte for byte, in a later day's folder.

    A file with any other defect (a truncated one included) is never re-delivered.
    """
    end = timeline.end
    candidates = [
        handle
        for handle in files
        if not handle.is_snapshot
        and timeline.start < handle.day < end
        and handle.rows > 0
        and not handle.has_defects
        and handle.entity.format.kind == "csv"
    ]
    written: set[Path] = set()
    defects = []
    for handle in choose(rng, candidates, plan.resent_files):
        delay = int(rng.integers(*RESEND_DELAY_DAYS))
        day = min(handle.day + delay, end)
        stem, _, suffix = handle.path.name.rpartition(".")
        folder = landing / handle.entity.source / date_of(day).isoformat()
        target = folder / f"{stem}_resent.{suffix}"
        if target in written:
            continue
        atomic_write(target, handle.path.read_bytes())
        written.add(target)
        relative = target.relative_to(landing).as_posix()
        detail = f"same bytes as {handle.relative}"
        defects.append(file_defect("duplicate_file", handle.entity, relative, detail))
    return defects

"""Roll readers back to the newest intact version published before the current one.

Only to a version readers were once given (`served_versions`, from the history publishing keeps)
and only to one whose two files are still as published: size and SHA-256 as recorded, and DuckDB
reads them. Its own module so that publishing stays one idea: writing and switching versions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from c360.publish import list_versions, served_versions, switch_current
from c360.serving import META_SCHEMA, connect_readonly, restricted_copy
from c360.settings import Settings
from c360.version_integrity import DamagedVersionError, check_intact, damage_named


def rollback(settings: Settings, skipped: Callable[[str], None] | None = None) -> Path:
    """Point `current` back at the newest intact served version published before it.

    Works when the current file is damaged; an earlier version that is damaged too is passed
    over, and `skipped` (if given) is told why.
    """
    served = served_versions(settings)
    current = settings.current_pointer.resolve()
    older = [v for v in list_versions(settings) if v.name < current.name and v.name in served]
    if not older:
        raise RuntimeError("no earlier published version to roll back to")
    for candidate in reversed(older):
        try:
            _check_readable(settings, candidate)
        except DamagedVersionError as exc:
            if skipped:
                skipped(f"skipped {candidate.name}: {exc}")
            continue
        switch_current(settings, candidate, action="rollback")
        return candidate
    raise RuntimeError(
        "every earlier published version is damaged: run `c360 refresh` to publish a new one"
    )


def _check_readable(settings: Settings, path: Path) -> None:
    """Both files of the version: size and hash as published, and DuckDB reads them."""
    restricted = restricted_copy(settings, path)
    if not restricted.exists():
        raise DamagedVersionError(
            f"{restricted} is missing: without it the version's masked file cannot be told "
            "safe (versions published before personal data was kept apart have none)"
        )
    for file in (path, restricted):
        check_intact(settings, file)
        con = connect_readonly(settings, file)
        try:
            with damage_named(file):
                con.execute(f"select * from {META_SCHEMA}.publication").fetchall()
        finally:
            con.close()

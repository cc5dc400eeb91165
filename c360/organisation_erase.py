"""Erase a customer organisation whole, and rebuild the warehouse without it.

A person's erasure redacts them and leaves every figure as it was, so it scrubs each DuckDB
file in place. An organisation's erasure removes revenue, and revenue is summed everywhere:
`rpt_kpi_monthly`, ARR, cohorts, retention, CLV hold its share without naming it. Deleting its
rows from the published marts would leave those sums wrong (a half-built warehouse), and
recomputing them in place would be a second copy of every model. So the warehouse is rebuilt by
the refresh, from sources that no longer hold the organisation. Under the refresh lock, in
this order:

1. the extracts, the raw area and every other Parquet file, as for a person
   (`subject_erase.erase_extracts`: its records removed, the load log moving them to
   `rows_erased`);
2. every DuckDB file but the published version readers are using (build, public, older serving
   versions): its rows deleted by their keys, so the incremental models and the snapshots' history
   no longer hold them and the rebuild does not find them again;
3. the erasure ledger: its identifiers and record keys, before the rebuild ingests anything;
4. the rebuild (`rebuild`, the refresh: dbt builds every model from the erased sources and
   publishes a new version), so readers go in one switch from the version with the organisation
   to the version without it;
5. every serving version but the new one is deleted, both files: built before the erasure, each
   holds the organisation's revenue in its sums, and `c360 rollback` to it would bring it back;
6. Dagster's storage and dbt's artifacts and logs, the rebuild's included;
7. everything searched again (`subject_scan`), then one audit entry.

If the rebuild fails, steps 5 to 7 do not run: the published version still holds the
organisation, the error says so, and the same command run again finishes the work (the
organisation is found through the published identity bridge).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from c360.organisation import FoundOrganisation
from c360.organisation_kpis import KpiLoss
from c360.publish import prune_versions, remove_leftovers
from c360.refresh_lock import refresh_lock
from c360.serving import restricted_copy
from c360.settings import Settings
from c360.subject_erase import (
    AuditRecord,
    ErasureReport,
    erase_extracts,
    record_in_ledger,
    scrub_databases,
    scrub_other_files,
)
from c360.subject_scan import find_traces

Rebuild = Callable[[], str]
"""Refresh and publish the warehouse from the erased sources; the version published."""


@dataclass
class OrganisationErasure:
    """What an organisation's erasure removed, what the KPIs lost, what was published."""

    report: ErasureReport
    loss: KpiLoss
    raw_rows: dict[str, int]
    version_published: str = ""
    versions_removed: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """Counts and totals only: what the audit entry and the command print (no identifier)."""
        summary = self.report.summary()
        summary.pop("revenue_unchanged")
        return {
            **summary,
            **self.loss.summary(),
            "raw_rows_by_entity": self.raw_rows,
            "version_published": self.version_published,
            "serving_versions_removed": len(self.versions_removed),
        }


def _current_files(settings: Settings) -> frozenset[Path]:
    """The published version readers are using: its masked file and its copy with personal data."""
    if not settings.current_pointer.exists():
        return frozenset()
    current = settings.current_pointer.resolve()
    return frozenset({current, restricted_copy(settings, current).resolve()})


def _remove_older_versions(settings: Settings) -> list[str]:
    """Delete every serving version but the current one, both files; their names.

    Publishing's own pruning, keeping one version: one home for what a version's files are.
    """
    pruned = prune_versions(replace(settings, keep_versions=1))
    return sorted({path.name for path in pruned})


def erase_organisation(
    settings: Settings,
    found: FoundOrganisation,
    loss: KpiLoss,
    rebuild: Rebuild,
    audit: AuditRecord | None = None,
    who: str = "",
) -> OrganisationErasure:
    """Remove the organisation from everything under `C360_HOME` and publish without it."""
    subject = found.subject
    erasure = OrganisationErasure(ErasureReport(), loss, found.raw_rows)
    report = erasure.report
    with refresh_lock(settings.refresh_lock):
        if settings.serving_dir.is_dir():
            remove_leftovers(settings)
        erase_extracts(settings, subject, report)
        scrub_databases(settings, subject, report, skip=_current_files(settings))
        record_in_ledger(settings, subject, report)
        erasure.version_published = rebuild()
        erasure.versions_removed = _remove_older_versions(settings)
        scrub_other_files(settings, subject, report)
        report.traces = find_traces(settings.home, subject)
        if audit is not None:
            audit(settings, who=who, action="customer_erase", **erasure.summary())
    return erasure

"""File-level defects, and the outcome the warehouse should give every defect.

File-level defects are an empty file, a file delivered twice, a truncated last line, a column
added to or renamed in a file's header. Which files are emptied or get a changed header is
planned before the blocks are written (the rows of an empty file's day must move to the next
day); which file is truncated or re-delivered is chosen once every file is complete, from what
was actually written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ingestion.generator.defect_profiles import DefectProfile
from ingestion.generator.randomness import rng_for
from ingestion.generator.timeline import Timeline

# What the warehouse is expected to do with a row or file carrying each defect.
EXPECTED_OUTCOME: dict[str, str] = {
    "name_variant": "loaded",
    "erp_number_missing": "loaded",
    "erp_number_wrong": "loaded",
    "duplicate_account": "loaded",
    "duplicate_customer": "loaded",
    "bad_date": "quarantined",
    "bad_number": "quarantined",
    "missing_key": "quarantined",
    "negative_quantity": "quarantined",
    "truncated_line": "quarantined",
    "unknown_sku": "loaded",
    "unknown_customer": "loaded",
    "cancelled_invoice": "loaded",
    "repeated_row": "loaded",
    "duplicate_file": "duplicate_file",
    "empty_file": "loaded",
    "added_column": "loaded_with_note",
    "renamed_column": "loaded_with_note",
}
# delta files that may arrive empty (their day's rows then come the next day)
EMPTY_FILE_TARGETS: tuple[str, ...] = (
    "erp.payments",
    "erp.timesheets",
    "erp.sales_orders",
    "crm.cases",
    "crm.leads",
)
# CRM entities that may gain a column, and the column (name, value from the canonical row)
ADDED_COLUMNS: dict[str, tuple[str, pl.Expr]] = {
    "crm.accounts": (
        "account_tier",
        pl.when(pl.col("employee_count") >= 2_000)
        .then(pl.lit("Tier 1"))
        .when(pl.col("employee_count") >= 200)
        .then(pl.lit("Tier 2"))
        .when(pl.col("employee_count").is_not_null())
        .then(pl.lit("Tier 3")),
    ),
    "crm.opportunities": (
        "forecast_category",
        pl.when(pl.col("stage") == "Closed Won")
        .then(pl.lit("Closed"))
        .when(pl.col("stage") == "Closed Lost")
        .then(pl.lit("Omitted"))
        .when(pl.col("probability") >= 50)
        .then(pl.lit("Commit"))
        .otherwise(pl.lit("Pipeline")),
    ),
    "crm.contacts": (
        "marketing_consent",
        pl.when(pl.col("email_opt_out")).then(pl.lit("no")).otherwise(pl.lit("yes")),
    ),
}
# ERP optional columns an export template may rename in one delivery: (header, new header)
RENAMED_COLUMNS: dict[str, tuple[str, str]] = {
    "erp.payments": ("method", "payment_method"),
    "erp.invoices": ("due_date", "date_echeance"),
    "erp.sales_orders": ("sales_rep", "commercial"),
}
# single-version ERP files whose last line may be cut (the record is then lost, not resent)
TRUNCATION_TARGETS: tuple[str, ...] = (
    "erp.payments",
    "erp.timesheets",
    "erp.invoice_lines",
    "erp.sales_order_lines",
)
RESEND_DELAY_DAYS = (1, 4)


@dataclass(frozen=True)
class FileDefectPlan:
    """File-level defects decided before writing; truncation and re-delivery are counts."""

    empty_days: dict[str, list[int]] = field(default_factory=dict)
    added_columns: dict[str, int] = field(default_factory=dict)  # entity -> first day
    renamed_columns: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    truncated_files: int = 0
    resent_files: int = 0

    def added_column(self, name: str, day: int, *, is_snapshot: bool) -> tuple[str, pl.Expr] | None:
        """The column appended to this file's header (name, values), if the plan adds one."""
        first = self.added_columns.get(name)
        if is_snapshot or first is None or day < first:
            return None
        return ADDED_COLUMNS[name]


def plan_file_defects(profile: DefectProfile, timeline: Timeline, seed: int) -> FileDefectPlan:
    """Pick the empty files and the header changes among the delta days.

    An empty file needs a next day to carry its records, so it is never on the last day.
    """
    rng = rng_for(seed, "defects.files")
    deltas = timeline.extract_days[1:]
    empty: dict[str, list[int]] = {}
    if deltas[:-1] and profile.empty_files:
        cells = [(name, day) for name in EMPTY_FILE_TARGETS for day in deltas[:-1]]
        picks = rng.choice(len(cells), size=min(profile.empty_files, len(cells)), replace=False)
        for i in sorted(picks.tolist()):
            name, day = cells[i]
            empty.setdefault(name, []).append(day)
    added: dict[str, int] = {}
    if deltas and profile.added_column_files:
        names = sorted(ADDED_COLUMNS)
        picks = rng.choice(
            len(names), size=min(profile.added_column_files, len(names)), replace=False
        )
        for i in sorted(picks.tolist()):
            added[names[i]] = int(deltas[int(rng.integers(0, len(deltas)))])
    renamed: dict[tuple[str, int], tuple[str, str]] = {}
    if deltas and profile.renamed_column_files:
        cells = [(name, day) for name in sorted(RENAMED_COLUMNS) for day in deltas]
        size = min(profile.renamed_column_files, len(cells))
        for i in sorted(rng.choice(len(cells), size=size, replace=False).tolist()):
            renamed[cells[i]] = RENAMED_COLUMNS[cells[i][0]]
    return FileDefectPlan(
        empty_days=empty,
        added_columns=added,
        renamed_columns=renamed,
        truncated_files=profile.truncated_files,
        resent_files=profile.resent_files,
    )


def choose(rng: np.random.Generator, candidates: list, count: int) -> list:
    """Up to `count` distinct candidates, in candidate order."""
    if not candidates or count <= 0:
        return []
    picks = rng.choice(len(candidates), size=min(count, len(candidates)), replace=False)
    return [candidates[i] for i in sorted(picks.tolist())]

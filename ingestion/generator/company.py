"""`generate_company`: the sample company's extracts and ground truth, in one call."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from ingestion.contracts import load_contracts
from ingestion.generator.blocks import Block, Numbering, block_sizes
from ingestion.generator.defect_profiles import defect_profile
from ingestion.generator.extract_writer import ExtractWriter
from ingestion.generator.file_defects import plan_file_defects
from ingestion.generator.ground_truth import organisations_truth, write_truth
from ingestion.generator.ledger import company_entries, served_customers
from ingestion.generator.organisations import NameDraws, organisation_count
from ingestion.generator.row_defects import apply_row_defects
from ingestion.generator.simulation import simulate_block, simulate_shared
from ingestion.generator.timeline import Timeline
from ingestion.generator.truth_accumulator import TruthAccumulator


@dataclass(frozen=True)
class GenerationSummary:
    """What `generate_company` wrote.

    `files_written` counts entity files, snapshots and re-delivered files included (not the
    `_SUCCESS` markers); `rows_by_entity` maps "source.entity" to the rows written across all
    full and delta extract files, versions of a record included (snapshots not counted);
    `defect_counts` maps each injected defect code to how many were injected.
    """

    landing_dir: Path
    truth_dir: Path
    extract_dates: list[date]
    files_written: int
    rows_by_entity: dict[str, int]
    organisations: int
    defects: str
    defect_counts: dict[str, int]


class _Progress:
    """One self-overwriting status line on stderr, only when someone is there to read it."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()

    def show(self, text: str, *, final: bool = False) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        sys.stderr.write(f"\rgenerate: {text} ({elapsed:.0f} s)\033[K" + ("\n" if final else ""))
        sys.stderr.flush()


def generate_company(
    landing_dir: Path,
    truth_dir: Path,
    *,
    customers: int = 200,
    seed: int = 42,
    start: date = date(2026, 9, 1),
    days: int = 30,
    history_months: int = 36,
    defects: str = "typical",
    progress: bool = False,
) -> GenerationSummary:
    """Simulate a company and write its CRM and ERP extracts plus the ground truth.

    The first extract date `start` carries the full history from `history_months` before it;
    `days - 1` daily deltas follow, with a full snapshot of the ERP master data every Monday.
    `defects` ("none", "typical" or "heavy") sets how messy the extracts are. Customers are
    simulated and written in blocks, so memory stays bounded however many there are. The same
    arguments always give byte-identical files. A progress line goes to stderr when `progress`
    is set or stderr is a terminal.

    Raises:
        ValueError: if an argument is out of range or `defects` names no profile.
    """
    if customers < 1 or days < 1 or history_months < 0 or seed < 0:
        raise ValueError(
            "need customers >= 1, days >= 1, history_months >= 0 and seed >= 0, got "
            f"{customers=}, {days=}, {history_months=}, {seed=}"
        )
    profile = defect_profile(defects)
    landing_dir, truth_dir = Path(landing_dir), Path(truth_dir)
    report = _Progress(progress or sys.stderr.isatty())
    timeline = Timeline.build(start, days, history_months)
    contracts = load_contracts()
    plan = plan_file_defects(profile, timeline, seed)
    shared = simulate_shared(customers, seed, timeline)
    writer = ExtractWriter(landing_dir, contracts, timeline, plan, seed)
    truth = TruthAccumulator(
        timeline=timeline,
        fx=shared.fx,
        catalogue=shared.catalogue,
        employee_cost_cents=np.round(
            shared.employees["cost_rate_per_hour"].to_numpy() * 100
        ).astype(np.int64),
        employee_weekly_hours=shared.employees["weekly_capacity_hours"].to_numpy(),
    )
    sizes = block_sizes(customers)
    names = NameDraws.build(sum(organisation_count(c) for c in sizes), seed)
    numbering = Numbering()
    first_orders: list[np.ndarray] = []
    org_offset = 0
    done = 0
    for index, size in enumerate(sizes):
        report.show(f"block {index + 1}/{len(sizes)}, {done:,}/{customers:,} customers")
        block = Block(seed, index, size, org_offset, numbering)
        simulation = simulate_block(block, shared, names, profile, timeline)
        tables = apply_row_defects(
            simulation.tables, contracts, profile, plan.empty_days, timeline, block
        )
        for name, table in tables.items():
            writer.append(name, table)
        truth.add_block(
            simulation.organisations,
            simulation.customers,
            simulation.billing,
            simulation.projects,
            organisations_truth(
                simulation.organisations,
                simulation.account_ids,
                simulation.duplicate_account_ids,
                simulation.defects,
                simulation.customers,
                timeline,
            ),
        )
        truth.add_operations(simulation)
        first_orders.append(simulation.first_order_days)
        org_offset += simulation.organisations.size
        done += size
        del simulation, tables
    report.show("company-wide records and file defects")
    served = served_customers(np.concatenate(first_orders), timeline)
    ledger = company_entries(
        shared.campaigns, shared.team, shared.employees, served, timeline, seed, numbering
    )
    # company-wide tables carry no row defects: the targets are all customer records
    for name, table in {**shared.tables(), "erp.gl_entries": ledger}.items():
        writer.append(name, table)
    written = writer.finish()
    arguments = {
        "customers": customers,
        "seed": seed,
        "start": start,
        "days": days,
        "history_months": history_months,
        "defects": profile.name,
    }
    counts = write_truth(
        truth_dir, truth, ledger, written.defects, arguments, written.rows_by_entity
    )
    report.show(f"{customers:,} customers, {written.files_written:,} files", final=True)
    return GenerationSummary(
        landing_dir=landing_dir,
        truth_dir=truth_dir,
        extract_dates=timeline.extract_dates,
        files_written=written.files_written,
        rows_by_entity=written.rows_by_entity,
        organisations=sum(f.height for f in truth.organisations),
        defects=profile.name,
        defect_counts=counts,
    )

"""`generate_company`: the sample company's extracts and ground truth, in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.contracts import load_contracts
from ingestion.generator.extract_writer import write_extracts
from ingestion.generator.ground_truth import write_truth
from ingestion.generator.simulation import simulate
from ingestion.generator.timeline import Timeline


@dataclass(frozen=True)
class GenerationSummary:
    """What `generate_company` wrote.

    `files_written` counts entity files (not the `_SUCCESS` markers); `rows_by_entity` maps
    "source.entity" to the rows written across all extract files, versions of a record included.
    """

    landing_dir: Path
    truth_dir: Path
    extract_dates: list[date]
    files_written: int
    rows_by_entity: dict[str, int]
    organisations: int


def generate_company(
    landing_dir: Path,
    truth_dir: Path,
    *,
    customers: int = 200,
    seed: int = 42,
    start: date = date(2026, 9, 1),
    days: int = 30,
    history_months: int = 36,
) -> GenerationSummary:
    """Simulate a company and write its CRM and ERP extracts plus the ground truth.

    The first extract date `start` carries the full history from `history_months` before it;
    `days - 1` daily deltas follow. The same arguments always give byte-identical files.

    Raises:
        ValueError: if an argument is out of range.
    """
    if customers < 1 or days < 1 or history_months < 0 or seed < 0:
        raise ValueError(
            "need customers >= 1, days >= 1, history_months >= 0 and seed >= 0, got "
            f"{customers=}, {days=}, {history_months=}, {seed=}"
        )
    landing_dir, truth_dir = Path(landing_dir), Path(truth_dir)
    timeline = Timeline.build(start, days, history_months)
    simulation = simulate(customers, seed, timeline)
    written = write_extracts(simulation.tables, load_contracts(), landing_dir, timeline)
    arguments = {
        "customers": customers,
        "seed": seed,
        "start": start,
        "days": days,
        "history_months": history_months,
    }
    write_truth(truth_dir, simulation, timeline, arguments, written.rows_by_entity)
    return GenerationSummary(
        landing_dir=landing_dir,
        truth_dir=truth_dir,
        extract_dates=timeline.extract_dates,
        files_written=written.files_written,
        rows_by_entity=written.rows_by_entity,
        organisations=simulation.organisations.size,
    )

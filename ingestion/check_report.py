"""`c360 check`: render a delivery's dry run for a person (text) or a program (JSON).

The dry run itself is `ingestion.check`; this module adds what only the warehouse knows (what
the marts lose without an entity, from the dbt seed `source_dependencies`, the same rule
`quality.source_coverage` reports after a refresh) and the wording.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ingestion.check import CheckReport
from ingestion.sources import Source

DEPENDENCIES_SEED = Path("seeds") / "source_dependencies.csv"
"""What each entity's absence costs the marts: the rule quality.source_coverage reports too."""


def source_dependencies(dbt_project_dir: Path) -> dict[tuple[str, str], dict[str, str]]:
    """The dbt seed `source_dependencies`, keyed by (source, entity)."""
    path = dbt_project_dir / DEPENDENCIES_SEED
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["source"], row["entity"]): row for row in csv.DictReader(handle)}


def affected_marts(
    report: CheckReport, source: Source, dependencies: dict[tuple[str, str], dict[str, str]]
) -> dict[str, dict[str, str]]:
    """Per entity the delivery leaves empty, what the marts lose and which file would fill it."""
    return {
        entity: dependencies[(source.name, entity)] | _filled_by(source, entity)
        for entity in report.empty_entities
        if (source.name, entity) in dependencies
    }


def _filled_by(source: Source, entity: str) -> dict[str, str]:
    """A preset source's own file for an entity, instead of the built-in extract's the seed names.

    Why: `c360 check` of a Salesforce delivery said `accounts.csv in the CRM extracts` would fill
    the accounts, a file such a delivery never holds; it is the preset's `Account.csv`.
    """
    if source.preset is None:
        return {}
    preset = source.preset
    tables = [m.driving_table for m in preset.mappings if m.entity == entity]
    files = [preset.native.entities[t].file_pattern for t in tables if t in preset.native.entities]
    if not files:
        return {"filled_by": f"no file of the {preset.name} preset (none is mapped to {entity})"}
    return {"filled_by": f"{' or '.join(files)} in the {preset.name} export"}


def render_text(report: CheckReport, affected: dict[str, dict[str, str]]) -> str:
    """The report as a person reads it: one block per file, then what the marts will lack."""
    lines = [f"c360 check {report.folder}"]
    lines += [f"unpacked {archive}, as a refresh unpacks it" for archive in report.unpacked]
    for f in report.files:
        target = ", ".join(f.entities) or "-"
        table = f" ({f.table})" if f.table and f.entities != [f.table] else ""
        lines.append("")
        lines.append(f"{f.file}: {f.status}{table} -> {target}")
        lines.append(
            f"  rows read {f.rows_read}, would load {f.rows_loaded}, "
            f"would quarantine {f.rows_quarantined}"
        )
        if f.status not in ("loaded",):
            lines.append(f"  {f.message}")
        for reason in f.sample_reasons:
            lines.append(f"  quarantine: {reason}")
        if f.unmapped_columns:
            shown = ", ".join(f.unmapped_columns[:12])
            more = (
                f" and {len(f.unmapped_columns) - 12} more" if len(f.unmapped_columns) > 12 else ""
            )
            lines.append(f"  columns not used: {shown}{more}")
        for note in f.unmapped_values:
            lines.append(f"  values with no mapping: {note}")
    lines.append("")
    loaded = ", ".join(f"{e} {n}" for e, n in report.rows_by_entity.items() if n)
    lines.append(f"rows per entity: {loaded or 'none'}")
    for entity in report.empty_entities:
        found = affected.get(entity)
        if found is None:
            lines.append(f"no rows for {entity}")
            continue
        lines.append(
            f"no rows for {entity} -> {found['consequence']}: {found['affected']} "
            f"[{found['affected_models']}]; would be filled by {found['filled_by']}"
        )
    verdict = (
        f"{len(report.rejected)} file(s) would be rejected"
        if report.rejected
        else "no file would be rejected"
    )
    lines.append(verdict)
    return "\n".join(lines)


def render_json(report: CheckReport, affected: dict[str, dict[str, str]]) -> str:
    """The report as JSON (`--format json`)."""
    data = report.as_dict() | {"missing_data": affected, "rejected": len(report.rejected)}
    return json.dumps(data, indent=2, default=str)

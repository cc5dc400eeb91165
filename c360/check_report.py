"""`c360 check`: render a delivery's dry run for a person (text) or a program (JSON).

The dry run itself is `ingestion.check`; this module adds what only the warehouse knows (which
marts read an entity, from the dbt manifest) and the wording.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

from ingestion.check import CheckReport

PUBLIC_SCHEMAS = ("marts", "quality")


def marts_reading(manifest_path: Path, source: str, entity: str) -> list[str]:
    """The first public models on each path from `source('<source>', '<entity>')`.

    What is built from those marts lacks the data too; naming the first ones keeps the list to
    where the gap enters the public schemas.
    """
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    start = next(
        (
            uid
            for uid, node in manifest["sources"].items()
            if node["source_name"] == source and node["name"] == entity
        ),
        None,
    )
    if start is None:
        return []
    seen, queue, found = {start}, deque([start]), set()
    while queue:
        for child in manifest["child_map"].get(queue.popleft(), []):
            if child in seen:
                continue
            seen.add(child)
            node = manifest["nodes"].get(child, {})
            is_public = (
                node.get("resource_type") in ("model", "snapshot")
                and node.get("schema") in PUBLIC_SCHEMAS
            )
            if is_public:
                found.add(f"{node['schema']}.{node['name']}")
            else:
                queue.append(child)
    return sorted(found)


def affected_marts(report: CheckReport, source: str, manifest_path: Path | None) -> dict:
    """Per entity the delivery leaves empty, the public models that read it."""
    if manifest_path is None or not manifest_path.exists():
        return {}
    return {e: marts_reading(manifest_path, source, e) for e in report.empty_entities}


def render_text(report: CheckReport, affected: dict[str, list[str]]) -> str:
    """The report as a person reads it: one block per file, then what the marts will lack."""
    lines = [f"c360 check {report.folder}"]
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
        marts = affected.get(entity)
        reads = (
            f": {', '.join(marts)} (and what is built from them) will lack its data"
            if marts
            else ""
        )
        lines.append(f"no rows for {entity}{reads}")
    verdict = (
        f"{len(report.rejected)} file(s) would be rejected"
        if report.rejected
        else "no file would be rejected"
    )
    lines.append(verdict)
    return "\n".join(lines)


def render_json(report: CheckReport, affected: dict[str, list[str]]) -> str:
    """The report as JSON (`--format json`)."""
    data = report.as_dict() | {"marts_lacking_data": affected, "rejected": len(report.rejected)}
    return json.dumps(data, indent=2, default=str)

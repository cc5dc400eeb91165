"""Source presets: how to read one system's native export and map it onto c360's entities.

A preset is configuration (YAML plus SQL expressions), not Python written per system:
- `tables:` is the native contract, in the same shape as an extract contract
  (`ingestion/contracts/*.yml`): the files the system writes, their format and typed columns.
  Each native file is read and checked by the same readers and rules as a built-in extract, so a
  value that does not parse is quarantined with the native column's name.
- `entities:` maps native tables onto the canonical entities of the source's contract (crm or
  erp): a driving table (`from`), optional joins, a condition (`where`: one native table split
  into several entities), an aggregation (`group_by`: one entity built from lines), and for each
  canonical column a SQL expression over the native columns, or a value map.
- `skip:` names native rows that are deliberately not data (a bad-debt write-off, a stock
  adjustment) with the reason they are quarantined under; the reason may name a value of the
  row (`value:` a SQL expression, `{value}` in the reason: "transaction type VendBill ...").
- `macros:` are SQL functions the expressions share (`sap_id: "(id) as ltrim(id, '0')"`), so a
  rule used in many expressions (how the system's ids are normalised) has one home.

The mapping runs in an in-memory DuckDB over the typed native tables of one delivery, so
expressions are DuckDB SQL; the warehouse file is never opened. A one-row table `delivery`
(`extract_date`: the date of the delivery's folder) lets a rule compare with the date the export
was taken (an order dated after it is future-dated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingestion.contracts import SourceContract, parse_contract

BUILTIN_PRESETS_DIR = Path(__file__).parent
BUILTIN_PRESET = "c360"
DELIVERY_TABLE = "delivery"
"""The one-row table of the delivery being mapped (`extract_date`)."""
"""The generator's own format: the canonical contracts as they are, no mapping."""


@dataclass(frozen=True)
class ValueMap:
    """A canonical column read from one native column (or a SQL expression) through a table.

    `default` is what an unknown value becomes: `None` keeps it null (a required column then
    quarantines the row), `"keep"` keeps the native value as it is.
    """

    expression: str
    values: dict[str, str | None]
    default: str | None = None

    @property
    def reports_unknown_values(self) -> bool:
        """Unknown values are findings unless the map names what they become."""
        return self.default in (None, "keep")


@dataclass(frozen=True)
class EntityMapping:
    """How one canonical entity is computed from the native tables of a delivery."""

    entity: str
    driving_table: str
    joins: str = ""
    where: str | None = None
    group_by: tuple[str, ...] = ()
    columns: dict[str, str | ValueMap] = field(default_factory=dict)


@dataclass(frozen=True)
class SkipRule:
    """Native rows that are not data for c360, quarantined with a stated reason.

    `value` (a SQL expression over the row) fills `{value}` in the reason, so one rule can name
    what it found ("transaction type VendBill is not mapped") instead of one rule per value.
    """

    table: str
    where: str
    reason: str
    value: str | None = None


@dataclass(frozen=True)
class Preset:
    """One system's native export (`native`) and its mapping onto a canonical source."""

    name: str
    source: str
    description: str
    native: SourceContract
    mappings: tuple[EntityMapping, ...]
    skips: tuple[SkipRule, ...] = ()
    lookup_tables: frozenset[str] = frozenset()
    fill_down: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per table, columns an exporter writes on a record's first line only (Odoo's exports)."""
    origin: str = ""
    macros: dict[str, str] = field(default_factory=dict)
    """Name -> `(arguments) as expression`: a DuckDB macro the mapping's SQL can call."""

    def mappings_from(self, table: str) -> list[EntityMapping]:
        """The mappings whose driving table is `table`."""
        return [m for m in self.mappings if m.driving_table == table]


def quote(identifier: str) -> str:
    """A SQL identifier, quoted (native headers have spaces and capitals: `"Customer ID"`)."""
    return '"' + identifier.replace('"', '""') + '"'


def _value_map(raw: dict[str, Any], where: str) -> ValueMap:
    if ("column" not in raw and "expression" not in raw) or "values" not in raw:
        raise ValueError(f"{where}: a value map needs `column` (or `expression`) and `values`")
    default = raw.get("default")
    return ValueMap(
        expression=quote(str(raw["column"])) if "column" in raw else str(raw["expression"]),
        values={str(k): None if v is None else str(v) for k, v in raw["values"].items()},
        default=None if default is None else str(default),
    )


def _mapping(entity: str, raw: dict[str, Any], native: SourceContract, where: str) -> EntityMapping:
    table = raw.get("from")
    if table not in native.entities:
        known = ", ".join(native.entities)
        raise ValueError(f"{where}: entity {entity!r} reads unknown table {table!r} ({known})")
    columns: dict[str, str | ValueMap] = {}
    for name, spec in (raw.get("columns") or {}).items():
        columns[name] = (
            _value_map(spec, f"{where}: {entity}.{name}") if isinstance(spec, dict) else str(spec)
        )
    group_by = raw.get("group_by") or ()
    return EntityMapping(
        entity=entity,
        driving_table=table,
        joins=str(raw.get("join", "") or ""),
        where=raw.get("where"),
        group_by=(group_by,) if isinstance(group_by, str) else tuple(group_by),
        columns=columns,
    )


def _with_params(value: Any, params: dict[str, str]) -> Any:
    """`${name}` in every string of a preset replaced by its parameter's value."""
    if isinstance(value, str):
        for name, param in params.items():
            value = value.replace("${" + name + "}", param)
        return value
    if isinstance(value, dict):
        return {k: _with_params(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_params(v, params) for v in value]
    return value


def parse_preset(raw: dict[str, Any], canonical: SourceContract, where: str) -> Preset:
    """Build a preset from its YAML mapping, checked against the canonical contract it feeds.

    `params:` are named values (a currency, a company code) that expressions use as `${name}`,
    so a local override changes one value instead of copying the expressions.
    """
    params = {str(k): str(v) for k, v in (raw.get("params") or {}).items()}
    raw = _with_params({k: v for k, v in raw.items() if k != "params"}, params)
    source = raw.get("source")
    if source != canonical.source:
        raise ValueError(f"{where}: preset feeds source {source!r}, not {canonical.source!r}")
    native = parse_contract(
        {"source": source, "format": raw.get("format", {}), "entities": raw["tables"]}, where
    )
    mappings = []
    for entity, spec in raw["entities"].items():
        target = canonical.entities.get(entity)
        if target is None:
            raise ValueError(f"{where}: {source} has no entity {entity!r}")
        # Several native tables into one entity (Salesforce's Task and Event are activities):
        # a list of mappings, whose rows are stacked.
        for part in spec if isinstance(spec, list) else [spec]:
            mapping = _mapping(entity, part, native, where)
            unknown = sorted(set(mapping.columns) - set(target.column_names))
            if unknown:
                columns = ", ".join(unknown)
                raise ValueError(f"{where}: {source}.{entity} has no column(s) {columns}")
            mappings.append(mapping)
    skips = tuple(
        SkipRule(table=s["table"], where=s["where"], reason=s["reason"], value=s.get("value"))
        for s in raw.get("skip", [])
    )
    lookups = frozenset(
        name for name, spec in raw["tables"].items() if (spec or {}).get("lookup", False)
    )
    fill_down = {
        name: tuple(spec["fill_down"])
        for name, spec in raw["tables"].items()
        if (spec or {}).get("fill_down")
    }
    if DELIVERY_TABLE in raw["tables"]:
        raise ValueError(f"{where}: table name {DELIVERY_TABLE!r} is reserved for the delivery")
    return Preset(
        fill_down=fill_down,
        name=str(raw.get("preset", Path(where).stem)),
        source=source,
        description=str(raw.get("description", "")).strip(),
        native=native,
        mappings=tuple(mappings),
        skips=skips,
        lookup_tables=lookups,
        origin=where,
        macros={str(k): str(v) for k, v in (raw.get("macros") or {}).items()},
    )


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`base` with `overrides` applied key by key (nested mappings merged, the rest replaced)."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def preset_path(name_or_path: str, relative_to: Path) -> Path:
    """A shipped preset by name (`salesforce`), or a user's preset file by path."""
    candidate = BUILTIN_PRESETS_DIR / f"{name_or_path}.yml"
    if "/" not in name_or_path and not name_or_path.endswith((".yml", ".yaml")):
        if not candidate.is_file():
            shipped = sorted(p.stem for p in BUILTIN_PRESETS_DIR.glob("*.yml"))
            raise ValueError(
                f"unknown preset {name_or_path!r}: shipped presets are "
                f"{', '.join([BUILTIN_PRESET, *shipped])}, or give the path of a preset file"
            )
        return candidate
    path = Path(name_or_path).expanduser()
    path = path if path.is_absolute() else relative_to / path
    if not path.is_file():
        raise ValueError(f"preset file {path} does not exist")
    return path


def load_preset(
    name_or_path: str,
    canonical: SourceContract,
    overrides: dict[str, Any] | None = None,
    relative_to: Path = Path(),
) -> Preset:
    """Read a preset (shipped or the user's own), apply local overrides, check it."""
    path = preset_path(name_or_path, relative_to)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if overrides:
        raw = deep_merge(raw, overrides)
    return parse_preset(raw, canonical, str(path))

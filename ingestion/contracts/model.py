"""Extract contracts: what each source's files look like, loaded from one YAML file per source.

The contract is configuration, not code, so that a deployment with other systems maps its own files
onto the canonical entities by editing YAML (see README, "Point it at your own extracts").
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

ColumnType = Literal["string", "integer", "decimal", "boolean", "date", "timestamp"]
FileKind = Literal["csv", "jsonl", "parquet"]
LoadMode = Literal["delta", "snapshot"]

BUILTIN_CONTRACTS_DIR = Path(__file__).parent
COLUMN_TYPES: tuple[str, ...] = ("string", "integer", "decimal", "boolean", "date", "timestamp")


@dataclass(frozen=True)
class FileFormat:
    """How a file is encoded; an entity may override any field of its source's default."""

    kind: FileKind = "csv"
    encoding: str = "utf-8"
    separator: str = ","
    decimal_mark: str = "."
    date_format: str = "%Y-%m-%d"
    timestamp_format: str = "%Y-%m-%dT%H:%M:%SZ"
    true_values: tuple[str, ...] = ("true",)
    false_values: tuple[str, ...] = ("false",)
    thousands_separators: tuple[str, ...] = ()
    # `exact`: a column's header must be spelled as its `source`; `loose`: case, spaces and
    # underscores are ignored, so Salesforce's Data Export (`StageName`) and a connector's
    # snake_case (`stage_name`) both match.
    header_match: Literal["exact", "loose"] = "exact"


@dataclass(frozen=True)
class Plausibility:
    """How far from its file's extract date a date can be, and how large a number, and be true.

    A date that parses can still be impossible: `02/12/26` read with `%d/%m/%Y` is the year 26.
    The defaults suit the dates of a customer's history (customers created up to decades ago,
    nothing dated after the day it was exported); a column whose dates are legitimately ahead
    (due dates, expected close dates, end dates) sets its own `future_days`.

    A number that parses can be a typo too: a quantity of 99,999,999,999,999 on one invoice line
    fits the 18 digits a decimal is read into, but its cost (quantity x unit cost x rate)
    overflowed the build's arithmetic and stopped every refresh. No line, payment, budget or
    balance of the companies c360 serves reaches a trillion, so a number beyond
    `largest_number` either way is quarantined; a column whose values are legitimately larger
    (an account's annual revenue in yen) sets its own `largest`.
    """

    past_years: int = 50
    future_days: int = 7
    largest_number: float = 1e12


@dataclass(frozen=True)
class Column:
    """One canonical column: its type, the header it has in the file, and its checks."""

    name: str
    type: ColumnType
    source_name: str
    required: bool = False
    scale: int = 2
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    code: bool = False
    past_years: int | None = None
    future_days: int | None = None
    largest: float | None = None


@dataclass(frozen=True)
class Entity:
    """One entity of a source (for example `crm.accounts`) and the file that carries it."""

    source: str
    name: str
    file_pattern: str
    format: FileFormat
    load: LoadMode
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    modified_at: str | None = None
    snapshot_file: str | None = None
    delta_patterns: tuple[str, ...] = ()
    snapshot_patterns: tuple[str, ...] = ()
    plausibility: Plausibility = Plausibility()

    @property
    def column_names(self) -> list[str]:
        """Canonical column names in contract order."""
        return [c.name for c in self.columns]

    def is_code(self, column: Column) -> bool:
        """Keys and columns marked `code: true`: identifiers compared byte for byte downstream."""
        return column.type == "string" and (column.code or column.name in self.key)

    def window(self, column: Column) -> tuple[int, int]:
        """(years before, days after) the extract date within which the column's dates are true."""
        return (
            column.past_years if column.past_years is not None else self.plausibility.past_years,
            column.future_days if column.future_days is not None else self.plausibility.future_days,
        )

    def largest(self, column: Column) -> float:
        """The largest magnitude the column's numbers can have and be true."""
        return column.largest if column.largest is not None else self.plausibility.largest_number

    def match(self, file_name: str) -> Literal["delta", "snapshot"] | None:
        """Whether a landed file carries this entity, as a full snapshot or as a delta.

        Whatever the case of its name: exports written on Windows, whose file names are not
        case-sensitive, come as `ACCOUNTS.CSV` or `Invoice_Lines.csv`, and were unknown files.
        """
        name = file_name.lower()
        if any(fnmatch.fnmatchcase(name, p.lower()) for p in self.snapshot_patterns):
            return "snapshot"
        if any(fnmatch.fnmatchcase(name, p.lower()) for p in self.delta_patterns):
            return "delta"
        return None


@dataclass(frozen=True)
class SourceContract:
    """All entities of one source system."""

    source: str
    format: FileFormat
    entities: dict[str, Entity] = field(default_factory=dict)


# Parquet values are typed: the reader renders them as text in this one canonical form.
PARQUET_TEXT = {
    "decimal_mark": ".",
    "thousands_separators": (),
    "date_format": "%Y-%m-%d",
    "timestamp_format": "%Y-%m-%d %H:%M:%S%.f",
    "true_values": ("true",),
    "false_values": ("false",),
}


def _file_format(raw: dict[str, Any], base: FileFormat | None = None) -> FileFormat:
    values = dict(raw)
    for key in ("true_values", "false_values", "thousands_separators"):
        if key in values:
            values[key] = tuple(str(v) for v in values[key])
    fmt = replace(base or FileFormat(), **values)
    return replace(fmt, **PARQUET_TEXT) if fmt.kind == "parquet" else fmt


def _column(name: str, raw: dict[str, Any], where: str) -> Column:
    col_type = raw.get("type", "string")
    if col_type not in COLUMN_TYPES:
        raise ValueError(f"{where}: column {name!r} has unknown type {col_type!r}")
    allowed = raw.get("allowed")
    return Column(
        name=name,
        type=col_type,
        source_name=str(raw.get("source", name)),
        required=bool(raw.get("required", False)),
        scale=int(raw.get("scale", 2)),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        allowed=tuple(str(a) for a in allowed) if allowed is not None else None,
        code=bool(raw.get("code", False)),
        past_years=raw.get("past_years"),
        future_days=raw.get("future_days"),
        largest=float(raw["largest"]) if "largest" in raw else None,
    )


def _default_patterns(file_name: str) -> tuple[str, ...]:
    """`accounts.csv` also matches `accounts_resent.csv`, `accounts (1).csv`: the same feed."""
    stem, dot, suffix = file_name.rpartition(".")
    return (file_name, f"{stem}[ _(-]*{dot}{suffix}") if dot else (file_name,)


def parse_contract(raw: dict[str, Any], where: str = "contract") -> SourceContract:
    """Build a contract from its YAML mapping, failing with the file and field at fault."""
    source = raw["source"]
    base = _file_format(raw.get("format", {}))
    plausible = replace(Plausibility(), **raw.get("plausibility", {}))
    entities: dict[str, Entity] = {}
    for name, spec in raw["entities"].items():
        columns = tuple(
            _column(col, col_spec or {}, f"{where}: {source}.{name}")
            for col, col_spec in spec["columns"].items()
        )
        key = tuple(spec.get("key", ()))
        missing = [k for k in key if k not in {c.name for c in columns}]
        if missing:
            raise ValueError(f"{where}: {source}.{name} key columns {missing} are not declared")
        entities[name] = Entity(
            source=source,
            name=name,
            file_pattern=spec["file"],
            format=_file_format(spec.get("format", {}), base),
            load=spec.get("load", "delta"),
            key=key,
            columns=columns,
            modified_at=spec.get("modified_at"),
            snapshot_file=spec.get("snapshot_file"),
            delta_patterns=tuple(spec.get("match", _default_patterns(spec["file"]))),
            snapshot_patterns=tuple(
                spec.get("snapshot_match", _default_patterns(spec["snapshot_file"]))
                if spec.get("snapshot_file")
                else ()
            ),
            plausibility=replace(plausible, **spec.get("plausibility", {})),
        )
    return SourceContract(source=source, format=base, entities=entities)


def _read_folder(directory: Path) -> dict[str, SourceContract]:
    contracts: dict[str, SourceContract] = {}
    for path in sorted(directory.glob("*.yml")):
        contract = parse_contract(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
        contracts[contract.source] = contract
    return contracts


def load_contracts(directory: Path | None = None) -> dict[str, SourceContract]:
    """The built-in contracts, each replaced by the same source's file in `directory` if any.

    A company whose CRM exports look different puts only its `crm.yml` in its own folder
    (`C360_CONTRACTS_DIR`); the ERP keeps the built-in contract.
    """
    contracts = _read_folder(BUILTIN_CONTRACTS_DIR)
    if directory is not None and directory != BUILTIN_CONTRACTS_DIR:
        overrides = _read_folder(directory)
        if not overrides:
            raise FileNotFoundError(f"no extract contracts (*.yml) found in {directory}")
        contracts |= overrides
    return contracts

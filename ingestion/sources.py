"""Which system feeds each source, from `<C360_HOME>/sources.yml`, and loading it accordingly.

A source (crm, erp) is read either as c360's own extracts (the built-in contract, the `c360`
preset: what the sample generator writes) or as a system's native export through a preset
(`salesforce`, `netsuite`, `sap`, `invoice_lines`, or the path of a preset of one's own), with
local overrides merged onto it:

    sources:
      erp:
        preset: invoice_lines
        overrides:
          tables: {lines: {format: {separator: ";"}}}

A missing file, or a source it does not name, means the built-in contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ingestion.contracts import SourceContract, load_contracts
from ingestion.contracts.model import BUILTIN_CONTRACTS_DIR, parse_contract
from ingestion.erased_rows import NO_ERASURES, ErasedRows
from ingestion.load import ingest_source, reject_misnamed_folders, unpack_delivered_archives
from ingestion.load_log import FileLoad
from ingestion.presets import BUILTIN_PRESET, Preset, load_preset
from ingestion.presets.delivery import ingest_preset_source


@dataclass(frozen=True)
class Source:
    """A canonical source and, when its files are a system's native export, the preset."""

    contract: SourceContract
    preset: Preset | None = None

    @property
    def name(self) -> str:
        """The canonical source's name (`crm`, `erp`)."""
        return self.contract.source

    @property
    def named_by(self) -> SourceContract:
        """The contract its landed files are named by: the native export's under a preset."""
        return self.preset.native if self.preset else self.contract

    @property
    def preset_name(self) -> str:
        """The preset's name, `c360` for the built-in extracts."""
        return self.preset.name if self.preset else BUILTIN_PRESET


def _read_sources_file(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sources = raw.get("sources")
    if not isinstance(sources, dict):
        raise ValueError(f"{path}: expected a `sources:` mapping of source name to preset")
    return {str(k): (v or {}) for k, v in sources.items()}


def _builtin_with_overrides(
    source: str, overrides: dict[str, Any], contracts: dict[str, SourceContract], where: str
) -> SourceContract:
    if not overrides:
        return contracts[source]
    from ingestion.presets.model import deep_merge

    raw = yaml.safe_load((BUILTIN_CONTRACTS_DIR / f"{source}.yml").read_text(encoding="utf-8"))
    return parse_contract(deep_merge(raw, overrides), where)


def load_sources(sources_file: Path, contracts_dir: Path | None = None) -> dict[str, Source]:
    """Every canonical source with the preset `sources_file` names for it (if any)."""
    contracts = load_contracts(contracts_dir)
    configured = _read_sources_file(sources_file)
    unknown = sorted(set(configured) - set(contracts))
    if unknown:
        raise ValueError(
            f"{sources_file}: unknown source(s) {', '.join(unknown)}; "
            f"the sources are {', '.join(sorted(contracts))}"
        )
    sources: dict[str, Source] = {}
    for name, contract in contracts.items():
        spec = configured.get(name, {})
        preset_name = str(spec.get("preset", BUILTIN_PRESET))
        overrides = spec.get("overrides") or {}
        where = f"{sources_file}: {name}"
        if preset_name == BUILTIN_PRESET:
            sources[name] = Source(_builtin_with_overrides(name, overrides, contracts, where))
        else:
            preset = load_preset(preset_name, contract, overrides, sources_file.parent)
            sources[name] = Source(contract, preset)
    return sources


def choose_source(
    sources_file: Path, contracts_dir: Path | None, folder: Path, args: Any
) -> Source:
    """The source a delivery folder belongs to, with the preset to read it.

    `args.source` names the source, else the folder's path does (`landing/<source>/<date>`);
    `args.preset` tries a preset without writing it in `sources.yml`.
    """
    sources = load_sources(sources_file, contracts_dir)
    name = args.source
    if name is None:
        parts = folder.resolve().parts
        name = next((p for p in reversed(parts[-3:]) if p in sources), None)
    if name not in sources:
        raise ValueError(
            f"say which source the folder is: --source {' or --source '.join(sorted(sources))}"
        )
    source = sources[name]
    if args.preset:
        if args.preset == BUILTIN_PRESET:
            return Source(load_contracts(contracts_dir)[name])
        return Source(source.contract, load_preset(args.preset, source.contract, None, Path.cwd()))
    return source


def ingest(
    source: Source,
    landing_dir: Path,
    raw_dir: Path,
    after_raw_write: Callable[[], None] | None = None,
    erased: ErasedRows = NO_ERASURES,
) -> list[FileLoad]:
    """Load every new file of a source, through its preset if it has one.

    `after_raw_write`: see `ingest_source` (the preset path writes a delivery as one unit).
    `erased` is the erasure ledger: rows carrying an erased person's identifier are dropped.
    The files of folders not named as deliveries are logged as rejected, naming the folder.
    """
    unpacked = unpack_delivered_archives(source.contract, landing_dir, raw_dir)
    if source.preset is None:
        loads = ingest_source(source.contract, landing_dir, raw_dir, after_raw_write, erased)
    else:
        loads = ingest_preset_source(source.contract, source.preset, landing_dir, raw_dir, erased)
    return unpacked + loads + reject_misnamed_folders(source.named_by, landing_dir, raw_dir)

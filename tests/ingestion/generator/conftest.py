"""A small generated company per test, and a reader of its extracts that is independent of
the ingestion readers: it decodes each file exactly as the contract describes, all as text."""

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from ingestion.contracts import Entity, load_contracts
from ingestion.generator import GenerationSummary, generate_company

START = dt.date(2026, 9, 1)
SMALL = {
    "customers": 60,
    "seed": 7,
    "start": START,
    "days": 8,
    "history_months": 12,
    "defects": "none",
}
CONTRACTS = load_contracts()


def entity(name: str) -> Entity:
    source, entity_name = name.split(".")
    return CONTRACTS[source].entities[entity_name]


def read_file(path: Path, contract_entity: Entity) -> pl.DataFrame:
    """One extract file as text columns named by the contract's canonical names."""
    fmt = contract_entity.format
    if fmt.kind == "parquet":
        frame = pl.read_parquet(path)
    elif fmt.kind == "jsonl":
        text = path.read_bytes().decode(fmt.encoding)
        if not text:
            return pl.DataFrame(schema=dict.fromkeys(contract_entity.column_names, pl.String))
        frame = pl.read_ndjson(io.StringIO(text))
    else:
        text = path.read_bytes().decode(fmt.encoding)
        if not text:  # a file delivered empty: no header, no rows
            return pl.DataFrame(schema=dict.fromkeys(contract_entity.column_names, pl.String))
        frame = pl.read_csv(io.StringIO(text), separator=fmt.separator, infer_schema=False)
    renames = {c.source_name: c.name for c in contract_entity.columns}
    return frame.rename(renames).select(pl.all().cast(pl.String))


@dataclass(frozen=True)
class Company:
    summary: GenerationSummary
    landing: Path
    truth: Path

    def folders(self, source: str) -> list[Path]:
        return sorted(p for p in (self.landing / source).iterdir() if p.is_dir())

    def rows(self, name: str) -> pl.DataFrame:
        """Every row of every extract of an entity, with its extract date and position."""
        contract_entity = entity(name)
        frames = [
            read_file(folder / contract_entity.file_pattern, contract_entity).with_columns(
                extract_date=pl.lit(dt.date.fromisoformat(folder.name)),
                position=pl.int_range(pl.len()),
            )
            for folder in self.folders(contract_entity.source)
        ]
        return pl.concat(frames, how="diagonal_relaxed")

    def latest(self, name: str) -> pl.DataFrame:
        """The latest version of each record: what the warehouse should end up with."""
        key = list(entity(name).key)
        return (
            self.rows(name)
            .sort("extract_date", "position")
            .unique(subset=key, keep="last", maintain_order=True)
        )


def generate(root: Path, **overrides: object) -> Company:
    arguments = {**SMALL, **overrides}
    summary = generate_company(root / "landing", root / "truth", **arguments)
    return Company(summary=summary, landing=root / "landing", truth=root / "truth")


@pytest.fixture
def company(tmp_path: Path) -> Company:
    """60 customers, 12 months of history, a full extract then 7 daily deltas."""
    return generate(tmp_path)


@pytest.fixture
def make_company(tmp_path: Path):
    """Generate a company into a fresh sub-folder of the test's folder, with overrides."""
    count = iter(range(1_000))

    def make(**overrides: object) -> Company:
        return generate(tmp_path / f"run{next(count)}", **overrides)

    return make

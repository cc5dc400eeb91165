"""A landing folder and raw area per test, for the bad-input cases (one case per test)."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ingestion.contracts import load_contracts
from ingestion.generator import generate_company
from ingestion.load import ingest_source
from ingestion.load_log import FileLoad
from ingestion.raw_store import entity_dir, quarantine_dir, read_load_log

DAY = "2026-09-02"


@pytest.fixture(scope="module")
def company_landing(tmp_path_factory) -> Path:
    """A 40-customer company's landing folder, two days with the typical defects (broken rows,
    encodings, quotes): every kind of file the generator writes."""
    root = tmp_path_factory.mktemp("company")
    generate_company(
        root / "landing", root / "truth", customers=40, start=dt.date(2026, 9, 1), days=2
    )
    return root / "landing"


@pytest.fixture
def contracts():
    return load_contracts()


class Landing:
    """A landing folder and raw area in a temporary folder, and what one load did."""

    def __init__(self, root: Path, contracts):
        self.landing, self.raw, self.contracts = root / "landing", root / "raw", contracts
        self.day = DAY

    def put(self, source: str, name: str, data: str | bytes, day: str = DAY, encoding="cp1252"):
        folder = self.landing / source / day
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode(encoding))

    def load(self, source: str) -> list[FileLoad]:
        results = ingest_source(self.contracts[source], self.landing, self.raw)
        log = read_load_log(self.raw)
        assert (log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"]).all()
        return results

    def rows(self, source: str, entity: str) -> pl.DataFrame:
        folder = entity_dir(self.raw, self.contracts[source].entities[entity])
        frames = [pl.read_parquet(f) for f in sorted(folder.glob("*.parquet"))]
        return pl.concat(frames, how="diagonal").sort("_extract_date", "_row_number")

    def quarantine_rows(self) -> pl.DataFrame:
        files = list(quarantine_dir(self.raw).glob("*.parquet"))
        return pl.concat([pl.read_parquet(f) for f in files]).sort("row_number")

    def quarantine(self) -> list[tuple[int, str]]:
        frame = self.quarantine_rows()
        return list(zip(frame["row_number"], frame["reason"], strict=True))


@pytest.fixture
def land(tmp_path, contracts) -> Landing:
    return Landing(tmp_path, contracts)

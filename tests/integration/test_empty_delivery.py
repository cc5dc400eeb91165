"""A first delivery whose every file holds no record (headers only) refreshes and publishes an
empty warehouse: no record is invented, and nothing fails on the emptiness (identity resolution
did, on its date of resolution taken from the newest record)."""

from pathlib import Path

import polars as pl
import pytest

from c360.settings import Settings
from c360.status import read_last_refresh
from tests.conftest import generate_and_refresh, published, settings_for


def _records_removed(landing: Path) -> None:
    """Every landed file kept with its header or schema, without a record."""
    for path in sorted(landing.rglob("*")):
        if path.suffix == ".csv":  # UTF-8 or cp1252 (the contracts): the bytes of line one
            header, _, _ = path.read_bytes().partition(b"\n")
            path.write_bytes(header + b"\n")
        elif path.suffix == ".jsonl":
            path.write_text("", encoding="utf-8")
        elif path.suffix == ".parquet":
            pl.read_parquet(path).head(0).write_parquet(path)


@pytest.fixture(scope="module")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("empty")
    # generate_and_refresh asserts that the refresh succeeded
    return generate_and_refresh(
        home, customers=20, seed=3, defects="none", edit_landing=_records_removed
    )


@pytest.fixture
def settings(empty_home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_for(empty_home, monkeypatch)


def test_every_file_is_loaded_with_no_row_and_a_version_is_published(settings):
    record = read_last_refresh(settings)
    assert record["success"] is True
    assert record["rows_loaded"] == 0 and record["rows_quarantined"] == 0
    landed = [
        p for p in settings.landing_dir.rglob("*") if p.suffix in {".csv", ".jsonl", ".parquet"}
    ]
    assert record["files_loaded"] == len(landed) > 0
    assert record["version"]


@pytest.mark.parametrize(
    "table",
    [
        "marts.bridge_customer_sources",
        "marts.dim_customers",
        "marts.fct_invoice_lines",
        "marts.rpt_customer_profitability",
        "marts.rpt_kpi_monthly",
        "marts.rpt_pipeline",
        "marts.fct_customer_clv",
        "marts.rpt_ltv_cohort",
    ],
)
def test_no_mart_invents_a_record(settings, table):
    assert published(settings, f"select count(*) as n from {table}")["n"][0] == 0

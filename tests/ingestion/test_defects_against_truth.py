"""The generator's heavy-defect company loaded: every injected defect has the outcome the ground
truth expects, and nothing else is quarantined or rejected."""

import datetime as dt

import polars as pl
import pytest

from ingestion.contracts import load_contracts
from ingestion.generator import generate_company
from ingestion.load import ingest_source
from ingestion.load_log import DUPLICATE, LOADED
from ingestion.raw_store import quarantine_dir, read_load_log


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("heavy")
    generate_company(
        root / "landing",
        root / "truth",
        customers=150,
        seed=11,
        start=dt.date(2026, 9, 1),
        days=10,
        defects="heavy",
    )
    for contract in load_contracts().values():
        ingest_source(contract, root / "landing", root / "raw")
    files = sorted(quarantine_dir(root / "raw").glob("*.parquet"))
    quarantine = pl.concat([pl.read_parquet(f) for f in files]) if files else None
    return {
        "defects": pl.read_parquet(root / "truth" / "defects.parquet"),
        "log": read_load_log(root / "raw"),
        "quarantine": quarantine,
    }


def test_every_file_reconciles(loaded):
    log = loaded["log"]
    assert (log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"]).all()


def test_every_row_defect_expected_in_quarantine_is_there_and_nothing_else(loaded):
    expected = {
        (r["file"], r["row_number"])
        for r in loaded["defects"]
        .filter(pl.col("expected_outcome") == "quarantined")
        .iter_rows(named=True)
    }
    assert expected, "the heavy profile injects malformed rows"
    actual = set(
        zip(loaded["quarantine"]["source_file"], loaded["quarantine"]["row_number"], strict=True)
    )
    assert actual == expected


def test_every_file_delivered_twice_is_recognised_and_not_loaded(loaded):
    expected = set(loaded["defects"].filter(pl.col("expected_outcome") == "duplicate_file")["file"])
    assert expected
    duplicates = set(loaded["log"].filter(pl.col("status") == DUPLICATE)["source_file"])
    assert duplicates == expected


def test_defects_expected_to_load_do_load(loaded):
    loaded_files = set(loaded["log"].filter(pl.col("status") == LOADED)["source_file"])
    expected = loaded["defects"].filter(
        pl.col("expected_outcome").is_in(["loaded", "loaded_with_note"])
        & pl.col("file").is_not_null()
    )
    assert set(expected["file"]) <= loaded_files
    noted = loaded["defects"].filter(pl.col("expected_outcome") == "loaded_with_note")["file"]
    messages = dict(zip(loaded["log"]["source_file"], loaded["log"]["message"], strict=True))
    assert all(messages[f] for f in noted)


def test_no_file_is_rejected_or_unknown(loaded):
    assert set(loaded["log"]["status"]) <= {LOADED, DUPLICATE}

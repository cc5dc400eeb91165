"""Fuzzed extracts: whatever a delivery holds, ingestion does not raise and nothing read is lost.

Each example starts from a valid extract of one format, damages it (`mutations`), lands it with
a clean file of the same delivery and ingests the source. Invariants:
- `ingest_source` returns (never raises);
- every file ends `loaded`, `duplicate` or `rejected`, a rejection naming the file and a cause;
- rows read = rows loaded + rows quarantined, and the raw and quarantine Parquet hold exactly
  those rows;
- a quarantined record's raw text is its physical lines, decoded (UTF-8 where the line is valid
  UTF-8, else Windows-1252), each without its line end, joined with LF: so every byte of every
  quarantined line is in the quarantine;
- the clean file of the delivery loads whole.
"""

import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from ingestion.contracts import load_contracts
from ingestion.load import ingest_source
from ingestion.load_log import DUPLICATE, LOADED, REJECTED, FileLoad
from ingestion.raw_store import entity_dir, quarantine_dir
from tests.ingestion.fuzz.conftest import FUZZ, Extract, landing_with
from tests.ingestion.fuzz.mutations import mutated_parquet, mutated_text

CONTRACTS = load_contracts()


def physical_line(data: bytes, number: int) -> str:
    """Line `number` (1-based) of the file as the quarantine must hold it."""
    line = data.split(b"\n")[number - 1].removesuffix(b"\r")
    if number == 1:
        line = line.removeprefix("\ufeff".encode())
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252")


def ingest_and_check(extract: Extract, data: bytes) -> dict[str, FileLoad]:
    """Land `data` beside the clean companion, ingest, and check every invariant."""
    contract = CONTRACTS[extract.source]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        landing = landing_with(root, extract, data)
        raw = root / "raw"
        results = {
            r.source_file.rsplit("/", 1)[1]: r for r in ingest_source(contract, landing, raw)
        }
        assert set(results) == {extract.name, extract.companion}
        for name, result in results.items():
            assert result.status in (LOADED, DUPLICATE, REJECTED)
            assert result.rows_read == result.rows_loaded + result.rows_quarantined
            if result.status == REJECTED:
                assert result.message.startswith(f"{extract.source}/")
                assert name in result.message and "file rejected: " in result.message
            entity = contract.entities[result.entity]
            written = list(entity_dir(raw, entity).glob(f"{result.load_id}*.parquet"))
            loaded = pl.read_parquet(written).height if written else 0
            assert loaded == result.rows_loaded
            quarantined = list(quarantine_dir(raw).glob(f"{result.load_id}*.parquet"))
            rows = pl.concat([pl.read_parquet(q) for q in quarantined]) if quarantined else None
            assert (rows.height if rows is not None else 0) == result.rows_quarantined
            if rows is not None and not name.endswith(".parquet"):
                file_bytes = data if name == extract.name else extract.companion_data
                for number, raw_line in zip(rows["row_number"], rows["raw_line"], strict=True):
                    parts = raw_line.split("\n")
                    expected = [physical_line(file_bytes, number + i) for i in range(len(parts))]
                    assert parts == expected
        companion = results[extract.companion]
        assert companion.status == LOADED and companion.rows_quarantined == 0
        return results


@pytest.mark.parametrize("kind", ["crm_csv", "crm_jsonl", "erp_csv"])
def test_the_valid_extracts_load_without_quarantine(extracts, kind):
    extract = extracts[kind]
    result = ingest_and_check(extract, extract.data)[extract.name]
    assert (result.status, result.rows_quarantined) == (LOADED, 0)
    header = 0 if extract.name.endswith(".jsonl") else 1
    assert result.rows_read == len(extract.data.rstrip(b"\n").split(b"\n")) - header


def test_the_valid_ledger_loads_without_quarantine(extracts):
    result = ingest_and_check(extracts["gl_parquet"], extracts["gl_parquet"].data)
    assert result["gl_entries.parquet"].status == LOADED
    assert result["gl_entries.parquet"].rows_quarantined == 0


def fuzz(extract: Extract, data: bytes) -> None:
    """`ingest_and_check`, and the mutated file's outcome as an event for the statistics."""
    result = ingest_and_check(extract, data)[extract.name]
    event(f"{result.status}, {'some' if result.rows_quarantined else 'no'} quarantine")


@FUZZ
@given(data=st.data())
def test_a_mutated_crm_csv_never_breaks_ingestion(extracts, data):
    extract = extracts["crm_csv"]
    fuzz(extract, data.draw(mutated_text(extract.data), label="file"))


@FUZZ
@given(data=st.data())
def test_a_mutated_crm_json_lines_file_never_breaks_ingestion(extracts, data):
    extract = extracts["crm_jsonl"]
    fuzz(extract, data.draw(mutated_text(extract.data), label="file"))


@FUZZ
@given(data=st.data())
def test_a_mutated_erp_windows_1252_csv_never_breaks_ingestion(extracts, data):
    extract = extracts["erp_csv"]
    fuzz(extract, data.draw(mutated_text(extract.data), label="file"))


@FUZZ
@given(data=st.data())
def test_a_mutated_ledger_parquet_never_breaks_ingestion(extracts, data):
    extract = extracts["gl_parquet"]
    fuzz(extract, data.draw(mutated_parquet(extract.data), label="file"))

"""Large extract files are read in pieces: the same rows, row numbers and quarantine as whole.

Pieces are forced here with a chunk size of a few hundred bytes on a generated company's files
and on hand-written ones with values spanning lines, so every cut is exercised.
"""

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ingestion import readers
from ingestion.contracts import load_contracts
from ingestion.landing import landed_files
from ingestion.load import ingest_source
from ingestion.load_log import LOADED, REJECTED
from ingestion.raw_store import entity_dir, quarantine_dir

CONTACTS_HEADER = (
    "contact_id,account_id,first_name,last_name,email,phone,title,country,email_opt_out,"
    "created_at,last_modified_at,is_deleted"
)


@pytest.fixture(scope="module")
def contracts():
    return load_contracts()


@pytest.fixture(scope="module")
def landing(company_landing) -> Path:
    return company_landing


def _whole_and_pieces(path: Path, entity, chunk_bytes: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    whole = readers.read_extract(path, entity).frame
    pieces = [r.frame for r in readers.read_extract_chunks(path, entity, chunk_bytes)]
    return whole, pl.concat(pieces, how="diagonal_relaxed")


def test_every_generated_file_reads_the_same_in_pieces_as_whole(landing, contracts):
    compared = 0
    for contract in contracts.values():
        for landed in landed_files(landing, contract):
            if landed.entity is None or landed.entity.format.kind == "parquet":
                continue
            if landed.path.stat().st_size < 2_000:
                continue
            whole, pieces = _whole_and_pieces(landed.path, landed.entity, 700)
            assert_frame_equal(pieces.select(whole.columns), whole)
            compared += 1
    assert compared >= 10


def test_a_quoted_value_spanning_lines_is_never_cut(tmp_path, contracts):
    entity = contracts["crm"].entities["contacts"]
    rows = [CONTACTS_HEADER]
    for i in range(60):
        title = f'"Head of\nsales, ""EMEA"" {i}"' if i % 3 == 0 else "Buyer"
        rows.append(
            f"003{i:05d},001{i:05d},Ann,Lee,a{i}@x.com,+1,{title},FR,false,"
            "2024-01-01T00:00:00Z,2024-01-02T00:00:00Z,false"
        )
    path = tmp_path / "contacts.csv"
    path.write_text("\n".join(rows) + "\n")
    for chunk in (97, 150, 400):
        whole, pieces = _whole_and_pieces(path, entity, chunk)
        assert pieces.height == whole.height == 60
        # a piece without a multi-line value takes the fast reader, whose field count is UInt32
        assert_frame_equal(pieces.select(whole.columns), whole, check_dtypes=False)
    assert whole.filter(pl.col("title").str.contains("\n")).height == 20


def test_a_large_file_loads_as_parts_with_the_same_rows_and_quarantine(
    landing, contracts, tmp_path, monkeypatch
):
    whole_raw, parts_raw = tmp_path / "whole", tmp_path / "parts"
    whole = ingest_source(contracts["crm"], landing, whole_raw)
    monkeypatch.setattr(readers, "CHUNK_BYTES", 900)
    parts = ingest_source(contracts["crm"], landing, parts_raw)

    def by_file(loads):
        return sorted(loads, key=lambda r: r.source_file)

    for a, b in zip(by_file(whole), by_file(parts), strict=True):
        assert (a.status, a.rows_read, a.rows_loaded, a.rows_quarantined) == (
            b.status,
            b.rows_read,
            b.rows_loaded,
            b.rows_quarantined,
        )
    entity = contracts["crm"].entities["activities"]
    assert len(list(entity_dir(parts_raw, entity).glob("*.part*.parquet"))) > 0
    columns = ["_load_id", "_row_number", "activity_id", "subject"]
    assert_frame_equal(_raw(parts_raw, entity, columns), _raw(whole_raw, entity, columns))
    assert_frame_equal(_quarantine(parts_raw), _quarantine(whole_raw))


def _raw(raw: Path, entity, columns: list[str]) -> pl.DataFrame:
    files = entity_dir(raw, entity) / "*.parquet"
    frame = pl.read_parquet(files, missing_columns="insert").select(columns)
    return frame.sort("_load_id", "_row_number")


def _quarantine(raw: Path) -> pl.DataFrame:
    frame = pl.read_parquet(quarantine_dir(raw) / "*.parquet")
    return frame.select("source_file", "row_number", "reason").sort("source_file", "row_number")


def test_a_bad_byte_in_a_later_piece_rejects_the_whole_file_and_leaves_no_part(
    tmp_path, contracts, monkeypatch
):
    landing, raw = tmp_path / "landing", tmp_path / "raw"
    folder = landing / "erp" / "2026-09-01"
    folder.mkdir(parents=True)
    header = "invoice_number;line_number;sku;project_id;quantity;unit_price;net_amount;tax_amount"
    lines = [f"I{i};1;SKU1;;1;10,00;10,00;2,00" for i in range(200)]
    data = (header + "\n" + "\n".join(lines) + "\n").encode("cp1252")
    bad_at = len(data) - 40
    data = data[:bad_at] + b"\x81" + data[bad_at + 1 :]  # undefined in Windows-1252
    (folder / "invoice_lines.csv").write_bytes(data)
    monkeypatch.setattr(readers, "CHUNK_BYTES", 1000)
    [result] = [
        r for r in ingest_source(contracts["erp"], landing, raw) if r.entity == "invoice_lines"
    ]
    assert result.status == REJECTED
    assert f"at offset {bad_at}" in result.message
    entity = contracts["erp"].entities["invoice_lines"]
    assert [p.name for p in entity_dir(raw, entity).glob("*.parquet")] == ["_empty.parquet"]
    assert result.status != LOADED

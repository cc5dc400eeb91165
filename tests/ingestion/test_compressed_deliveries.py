"""Extracts delivered gzip-compressed (`accounts.csv.gz`) or in UTF-16 load as plain UTF-8 would.

The oracle is the plain file: a generated company's landing folder (typical defects included:
broken rows, Windows-1252, quotes) is ingested as delivered and again with its text files
gzip-compressed, in UTF-16 (those that are valid UTF-8), or both, and the raw rows, the
quarantine and the load log must agree, the file names' `.gz` aside.
"""

import gzip
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ingestion import readers
from ingestion.contracts import load_contracts
from ingestion.load import ingest_source
from ingestion.load_log import DUPLICATE, LOADED, REJECTED
from ingestion.presets.native_files import native_entity_for
from ingestion.raw_store import quarantine_dir, read_load_log
from tests.ingestion.conftest import Landing

NO_GZ = pl.col("source_file").str.strip_suffix(".gz")


@pytest.fixture(scope="module")
def contracts():
    return load_contracts()


@pytest.fixture(scope="module")
def plain(company_landing, contracts, tmp_path_factory) -> dict[str, pl.DataFrame]:
    """The company as generated, ingested: the oracle."""
    return _ingested(contracts, company_landing, tmp_path_factory.mktemp("plain"))


def _utf16(data: bytes) -> bytes | None:
    """Valid UTF-8 as UTF-16 with its byte-order mark (little-endian, as Windows writes it)."""
    try:
        return data.decode("utf-8").encode("utf-16")
    except UnicodeDecodeError:
        return None


def _transformed_copy(landing: Path, target: Path, *, gz: bool, utf16: bool) -> int:
    """`landing` under `target`, its CSV and JSON-lines files compressed and/or in UTF-16."""
    changed = 0
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        relative, data = path.relative_to(landing), path.read_bytes()
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in (".csv", ".jsonl"):
            recoded = _utf16(data) if utf16 else data
            data = data if recoded is None else recoded
            if gz:
                data, relative = gzip.compress(data), relative.with_name(f"{relative.name}.gz")
            changed += recoded is not None
        (target / relative).write_bytes(data)
    return changed


def _ingested(contracts, landing: Path, raw: Path) -> dict[str, pl.DataFrame]:
    for contract in contracts.values():
        ingest_source(contract, landing, raw)
    tables = {
        f"{p.parent.parent.name}/{p.parent.name}": p.parent
        for p in raw.glob("*/*/*.parquet")
        if not p.parent.parent.name.startswith("_")
    }
    frames = {
        name: pl.read_parquet(folder / "*.parquet")
        .drop("_loaded_at")
        .with_columns(pl.col("_source_file").str.strip_suffix(".gz"))
        .sort("_source_file", "_row_number")
        for name, folder in tables.items()
    }
    frames["quarantine"] = (
        pl.read_parquet(quarantine_dir(raw) / "*.parquet")
        .with_columns(NO_GZ)
        .drop("quarantined_at", strict=False)
        .sort("source_file", "row_number")
    )
    frames["load_log"] = (
        read_load_log(raw)
        .with_columns(NO_GZ, pl.col("message").str.replace_all(r"\.gz\b", ""))
        .select("source_file", "load_id", "status", "rows_read", "rows_loaded", "file_hash")
        .sort("source_file")
    )
    return frames


@pytest.mark.parametrize(
    ("gz", "utf16"), [(True, False), (False, True), (True, True)], ids=["gz", "utf16", "both"]
)
def test_a_compressed_or_utf16_company_loads_the_rows_and_quarantine_of_the_plain_one(
    company_landing, plain, contracts, tmp_path, monkeypatch, gz, utf16
):
    assert _transformed_copy(company_landing, tmp_path / "landing", gz=gz, utf16=utf16) >= 15
    # small pieces, so every file is cut between records as a large one is
    monkeypatch.setattr(readers, "CHUNK_BYTES", 8_000)
    compressed = _ingested(contracts, tmp_path / "landing", tmp_path / "compressed")
    assert plain.keys() == compressed.keys()
    assert plain["quarantine"].height >= 5  # the typical defects are there
    for name, frame in plain.items():
        assert_frame_equal(compressed[name].select(frame.columns), frame, check_dtypes=False)


def test_the_same_extract_plain_then_compressed_is_one_content(tmp_path, contracts):
    lines = "invoice_number;line_number;sku;project_id;quantity;unit_price;net_amount;tax_amount"
    content = f"{lines}\nF1;1;SKU1;;2;10,50;21,00;4,20\n".encode("cp1252")
    case = Landing(tmp_path, contracts)
    case.put("erp", "invoice_lines.csv", content)
    case.put("erp", "invoice_lines.csv.gz", gzip.compress(content, mtime=1), day="2026-09-03")
    case.put("erp", "invoice_lines.csv.gz", gzip.compress(content, mtime=2), day="2026-09-04")
    assert [r.status for r in case.load("erp")] == [LOADED, DUPLICATE, DUPLICATE]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[: len(data) // 2], "Compressed file ended before the end-of-stream"),
        (lambda data: b"id,name\n1,plain text named .gz\n", "Not a gzipped file"),
        (lambda data: data[:-8] + b"\0" * 8, "CRC check failed"),
    ],
)
def test_a_damaged_archive_is_rejected_whole_naming_why(
    company_landing, contracts, tmp_path, monkeypatch, damage, reason
):
    activities = next(company_landing.glob("crm/*/activities.jsonl"))
    case = Landing(tmp_path, contracts)
    case.put("crm", "activities.jsonl.gz", damage(gzip.compress(activities.read_bytes())))
    monkeypatch.setattr(readers, "CHUNK_BYTES", 1_000)  # pieces were read before the damage
    [result] = case.load("crm")
    assert result.status == REJECTED
    assert result.message.startswith(
        f"crm/{case.day}/activities.jsonl.gz: file rejected: not a readable gzip file: "
    )
    assert reason in result.message
    assert not list((case.raw / "crm").rglob("crm-*.parquet"))  # no part of it kept


def test_a_compressed_parquet_file_is_rejected_saying_to_send_it_as_written(tmp_path, contracts):
    case = Landing(tmp_path, contracts)
    parquet = tmp_path / "gl.parquet"
    pl.DataFrame({"entry_id": ["G1"]}).write_parquet(parquet)
    case.put("erp", "gl_entries.parquet.gz", gzip.compress(parquet.read_bytes()))
    [result] = case.load("erp")
    assert (result.status, result.entity) == (REJECTED, "gl_entries")
    assert "a Parquet file is not read gzip-compressed" in result.message


def test_an_empty_archive_is_an_empty_file(tmp_path, contracts):
    case = Landing(tmp_path, contracts)
    case.put("crm", "leads.csv.gz", gzip.compress(b""))
    [result] = case.load("crm")
    assert (result.status, result.rows_read, result.message) == (
        LOADED,
        0,
        "empty file: no header",
    )


def test_a_preset_s_native_file_takes_its_kind_from_the_name_without_gz(contracts):
    parquet_entity = contracts["erp"].entities["gl_entries"]
    assert native_entity_for(parquet_entity, Path("JournalEntry.csv.gz")).format.kind == "csv"
    assert native_entity_for(parquet_entity, Path("JournalEntry.parquet.gz")) is parquet_entity


def test_a_company_whose_lines_end_with_a_carriage_return_alone_loads_the_same_rows(
    company_landing, plain, contracts, tmp_path, monkeypatch
):
    """Excel for Mac's "CSV (Macintosh)": every line end a CR (read as one line, no row, before)."""
    converted = 0
    for path in sorted(p for p in company_landing.rglob("*") if p.is_file()):
        target = tmp_path / "landing" / path.relative_to(company_landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        stray = b"\r" in data.replace(b"\r\n", b"")  # a CR inside a value: a defect of its own
        if path.suffix in (".csv", ".jsonl") and not stray:
            data, converted = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"), converted + 1
        target.write_bytes(data)
    assert converted >= 15
    monkeypatch.setattr(readers, "CHUNK_BYTES", 8_000)  # cut into pieces at its line ends too
    mac = _ingested(contracts, tmp_path / "landing", tmp_path / "raw")
    assert plain["quarantine"].height >= 5
    counts = ["source_file", "status", "rows_read", "rows_loaded"]
    assert mac["load_log"].select(counts).equals(plain["load_log"].select(counts))
    for name, frame in plain.items():
        if name != "load_log":
            assert_frame_equal(mac[name].select(frame.columns), frame, check_dtypes=False)
    log = read_load_log(tmp_path / "raw")
    assert log["message"].str.contains("lines end with a carriage return alone").sum() == converted

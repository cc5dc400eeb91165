"""A delivery's zip archives are unpacked into a folder of the delivery and read as its files.

The oracle is the plain delivery: a generated company (typical defects) ingested as delivered,
and again with each day's files inside a zip archive (in a subfolder of the archive, one file in
an archive inside it), must give the same raw rows, quarantine and load log, the files' paths
aside. An archive that cannot be unpacked whole is rejected once, naming why, and left as it is.
"""

import errno
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest

from c360.subject import Subject
from c360.subject_scan import find_traces
from ingestion import archives
from ingestion.archives import unpack_archive
from ingestion.contracts import load_contracts
from ingestion.load_log import LOADED, REJECTED
from ingestion.raw_store import quarantine_dir, read_load_log
from ingestion.sources import Source, ingest
from tests.ingestion.conftest import DAY

FILE_NAME = pl.col("source_file").str.split("/").list.last()


@pytest.fixture(scope="module")
def contracts():
    return load_contracts()


def _ingest(contracts, landing: Path, raw: Path) -> list:
    return [r for c in contracts.values() for r in ingest(Source(c), landing, raw)]


def _tables(raw: Path) -> dict[str, pl.DataFrame]:
    """Every raw table, the quarantine and the load log, comparable whatever the files' folders."""
    frames = {
        f"{p.parent.parent.name}/{p.parent.name}": pl.read_parquet(p.parent / "*.parquet")
        .drop("_loaded_at")
        .with_columns(pl.col("_source_file").str.split("/").list.last())
        .sort("_source_file", "_extract_date", "_row_number")
        for p in raw.glob("*/*/*.parquet")
        if not p.parent.parent.name.startswith("_")
    }
    frames["quarantine"] = (
        pl.read_parquet(quarantine_dir(raw) / "*.parquet")
        .select("row_number", "reason", "raw_line", file=FILE_NAME)
        .sort(pl.all())
    )
    frames["load_log"] = (
        read_load_log(raw)
        .select("status", "rows_read", "rows_loaded", "file_hash", file=FILE_NAME)
        .sort(pl.all())
    )
    return frames


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zipped_copy(landing: Path, target: Path) -> int:
    """`landing` under `target`: each delivery in `<day>.ZIP` under `export/`, one file nested."""
    archives = 0
    for folder in sorted(p for p in landing.glob("*/*") if p.is_dir()):
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
        marker = files.pop("_SUCCESS")  # written beside the archive, as a delivery does
        first = sorted(files)[0]
        inner = _zip({first: files.pop(first)})
        members = {f"export/{name}": data for name, data in files.items()}
        members |= {"export/inner.zip": inner, "__MACOSX/export/._x.csv": b"\0\5\26\7"}
        out = target / folder.relative_to(landing)
        out.mkdir(parents=True)
        (out / f"{folder.name}.ZIP").write_bytes(_zip(members))
        (out / "_SUCCESS").write_bytes(marker)
        archives += 1
    return archives


def test_a_zipped_company_loads_the_rows_quarantine_and_log_of_the_plain_one(
    company_landing, contracts, tmp_path
):
    plain_raw = tmp_path / "plain"
    _ingest(contracts, company_landing, plain_raw)
    landing = tmp_path / "landing"
    assert _zipped_copy(company_landing, landing) == 4
    results = _ingest(contracts, landing, tmp_path / "zipped")
    plain, zipped = _tables(plain_raw), _tables(tmp_path / "zipped")
    assert plain.keys() == zipped.keys()
    assert plain["quarantine"].height >= 5  # the typical defects are there
    for name, frame in plain.items():
        assert zipped[name].select(frame.columns).equals(frame), name
    # the archives are gone, their files are in folders of the delivery, as the log names them
    assert not list(landing.rglob("*.ZIP")) and not list(landing.rglob("*.zip"))
    files = sorted(r.source_file for r in results)
    assert files[0].startswith("crm/2026-09-01/2026-09-01/export/")
    assert sum("/export/inner/" in f for f in files) == 4
    assert not list(landing.rglob("__MACOSX"))
    # nothing is read twice
    assert _ingest(contracts, landing, tmp_path / "zipped") == []


def _member_outside(data: bytes) -> bytes:
    return _zip({"../accounts.csv": data})


def _encrypted(data: bytes) -> bytes:
    archive = bytearray(_zip({"accounts.csv": data}))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = archive.find(signature)
        archive[at + flag_at] |= 0x1
    return bytes(archive)


def _bad_crc(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("accounts.csv", data)
    return buffer.getvalue().replace(b"Dupont", b"Dupond", 1)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: _zip({"accounts.csv": data})[:100], "not a readable zip archive: "),
        (_bad_crc, "not a readable zip archive: Bad CRC-32 for file 'accounts.csv'"),
        (_member_outside, "member '../accounts.csv' is named outside the archive's folder"),
        (_encrypted, "member 'accounts.csv' is encrypted: export the archive without a password"),
        (lambda data: _zip({"notes/": b""}), "the archive holds no file"),
    ],
    ids=["cut-short", "bad-crc", "outside", "encrypted", "no-file"],
)
def test_an_archive_that_cannot_be_unpacked_whole_is_rejected_once_and_left_as_it_is(
    contracts, tmp_path, damage, reason
):
    folder = tmp_path / "landing" / "crm" / DAY
    folder.mkdir(parents=True)
    data = b"account_id,name\nA1,Dupont SA\n" * 50
    (folder / "export.zip").write_bytes(damage(data))
    before = (folder / "export.zip").read_bytes()
    [result] = ingest(Source(contracts["crm"]), tmp_path / "landing", tmp_path / "raw")
    assert result.status == REJECTED
    assert result.message.startswith(f"crm/{DAY}/export.zip: file rejected: {reason}")
    assert [p.name for p in folder.iterdir()] == ["export.zip"]  # nothing unpacked, no leftover
    assert (folder / "export.zip").read_bytes() == before
    assert not (tmp_path / "accounts.csv").exists()
    assert ingest(Source(contracts["crm"]), tmp_path / "landing", tmp_path / "raw") == []


def test_an_archive_unpacked_before_a_crash_is_removed_and_its_files_read_once(contracts, tmp_path):
    folder = tmp_path / "landing" / "erp" / DAY
    folder.mkdir(parents=True)
    members = {"fx_rates.csv": b"currency;month;rate\nUSD;2026-09;1,1\n"}
    (folder / "rates.zip").write_bytes(_zip(members))
    (folder / "rates").mkdir()
    (folder / "rates" / "fx_rates.csv").write_bytes(members["fx_rates.csv"])
    results = ingest(Source(contracts["erp"]), tmp_path / "landing", tmp_path / "raw")
    assert [(r.source_file, r.status) for r in results] == [
        (f"erp/{DAY}/rates/fx_rates.csv", LOADED)
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["rates"]


def test_a_folder_of_the_archive_s_name_with_other_files_is_kept_beside_a_new_one(tmp_path):
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "accounts.csv").write_bytes(b"older\n")
    (tmp_path / "export.zip").write_bytes(_zip({"accounts.csv": b"newer\n"}))
    result = unpack_archive(tmp_path / "export.zip")
    assert (result.folder, result.files, result.problem) == (tmp_path / "export-2", 1, None)
    assert (tmp_path / "export" / "accounts.csv").read_bytes() == b"older\n"
    assert (tmp_path / "export-2" / "accounts.csv").read_bytes() == b"newer\n"


def test_the_erasure_s_search_looks_inside_zip_archives(tmp_path):
    person = Subject(frozenset(), frozenset(), frozenset(), frozenset({"Jeanne Martin"}))
    (tmp_path / "a.zip").write_bytes(_zip({"x/contacts.csv": b"id,name\nC1,Jeanne Martin\n"}))
    (tmp_path / "b.zip").write_bytes(_zip({"contacts.csv": b"id,name\nC2,Paul Durand\n"}))
    (tmp_path / "c.zip").write_bytes(_zip({"contacts.csv": b"x" * 200})[:60])
    assert find_traces(tmp_path, person) == [
        "a.zip: inside the zip member x/contacts.csv",
        "c.zip: a zip archive that cannot be read (File is not a zip file): the person may be "
        "inside",
    ]


def test_a_disk_that_fills_while_unpacking_rejects_the_archive_and_the_rest_loads(
    contracts, tmp_path, monkeypatch
):
    folder = tmp_path / "landing" / "crm" / DAY
    folder.mkdir(parents=True)
    (folder / "export.zip").write_bytes(_zip({"a/leads.csv": b"x\n", "b/cases.csv": b"y\n"}))
    (folder / "users.csv").write_bytes(b"user_id,name,role,team,region,is_active\nu1,Ada,AE,,,\n")
    write = archives._write_members

    def fill_the_disk(archive, members, into):
        write(archive, members[:1], into)  # one file written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archives, "_write_members", fill_the_disk)
    results = ingest(Source(contracts["crm"]), tmp_path / "landing", tmp_path / "raw")
    assert [(r.source_file, r.status, r.message) for r in results] == [
        (
            f"crm/{DAY}/export.zip",
            REJECTED,
            f"crm/{DAY}/export.zip: file rejected: cannot be unpacked beside itself: "
            "[Errno 28] No space left on device",
        ),
        (f"crm/{DAY}/users.csv", LOADED, ""),
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["export.zip", "users.csv"]

"""A file in a format ingestion does not read says what to send instead (`unread_formats`)."""

import io
import zipfile

import pytest

from ingestion.contracts import load_contracts
from ingestion.load_log import UNKNOWN
from ingestion.sources import Source, ingest
from tests.ingestion.conftest import DAY


@pytest.fixture(scope="module")
def contracts():
    return load_contracts()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["export.7z", "export.tar.gz", "export.tgz", "export.rar"])
def test_another_archive_format_is_an_unknown_file_that_says_to_unpack_it(
    contracts, tmp_path, name
):
    folder = tmp_path / "landing" / "crm" / DAY
    folder.mkdir(parents=True)
    (folder / name).write_bytes(b"\x00archive")
    [result] = ingest(Source(contracts["crm"]), tmp_path / "landing", tmp_path / "raw")
    assert result.status == UNKNOWN
    suffix = name.split(".", 1)[1]
    assert result.message == (
        f"crm/{DAY}/{name}: a .{suffix} archive is not unpacked: unpack it into the delivery "
        "folder, or deliver a zip archive, which is unpacked there"
    )


@pytest.mark.parametrize("name", ["accounts.xlsx", "Accounts.XLS", "accounts.ods"])
def test_a_spreadsheet_workbook_is_an_unknown_file_that_says_to_save_it_as_csv(
    contracts, tmp_path, name
):
    folder = tmp_path / "landing" / "crm" / DAY
    folder.mkdir(parents=True)
    (folder / name).write_bytes(_zip({"xl/workbook.xml": b"<workbook/>"}))
    [result] = ingest(Source(contracts["crm"]), tmp_path / "landing", tmp_path / "raw")
    assert result.status == UNKNOWN
    suffix = "." + name.rsplit(".", 1)[1].lower()
    assert result.message.startswith(
        f"crm/{DAY}/{name}: a spreadsheet workbook ({suffix}) is not read: save each sheet as a "
        "CSV file (UTF-8; Excel: File > Save As > CSV UTF-8) into the delivery folder; no "
        "contract entity matches this file name (the crm files are named "
    )
    assert [p.name for p in folder.iterdir()] == [name]  # a workbook is a zip: not unpacked

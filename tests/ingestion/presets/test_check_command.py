"""`c360 check <folder>`: one test per kind of finding, on small deliveries."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from c360.cli import main
from c360.settings import REPO_ROOT
from ingestion.check_report import source_dependencies
from ingestion.contracts import load_contracts
from tests.conftest import settings_for

USERS = """\
user_id,name,role,team,region,is_active,shoe_size
u1,Ada,AE,Alpha,EMEA,true,38
u2,Grace,Wizard,Alpha,EMEA,true,39
u3,Alan,SDR,Beta,EMEA,maybe,42
"""

PRESET = """
preset: stage_crm
source: crm
format: {kind: csv}
tables:
  deals:
    file: Deals.csv
    columns:
      Id: {type: string, required: true}
      Account: {type: string, required: true}
      Stage: {type: string}
      Created: {type: timestamp, required: true}
      Notes: {type: string}
entities:
  opportunities:
    from: deals
    columns:
      opportunity_id: Id
      account_id: Account
      stage:
        column: Stage
        values: {Won: closed_won, Lost: closed_lost, Open: open}
      created_at: Created
      last_modified_at: Created
"""

DEALS = """\
Id,Account,Stage,Created,Notes
d1,a1,Won,2026-11-01T10:00:00Z,first
d2,a1,Negotiation,2026-11-02T10:00:00Z,
"""


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    settings_for(tmp_path / "home", monkeypatch)
    return tmp_path / "home"


def _delivery(home: Path, files: dict[str, str | bytes]) -> Path:
    folder = home / "landing" / "crm" / "2026-11-30"
    folder.mkdir(parents=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def _check(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def test_each_file_says_its_entity_and_what_would_load(home, capsys):
    folder = _delivery(home, {"users.csv": USERS})
    code, out = _check(capsys, str(folder))
    assert code == 0
    assert "users.csv: loaded -> users" in out
    assert "rows read 3, would load 1, would quarantine 2" in out


def test_quarantined_rows_come_with_sample_reasons(home, capsys):
    folder = _delivery(home, {"users.csv": USERS})
    _, out = _check(capsys, str(folder))
    assert "1 row(s), first at line 3: role: 'Wizard' is not one of AE, SDR, CSM, Manager" in out
    assert "1 row(s), first at line 4: is_active: cannot read 'maybe' as boolean" in out


def test_columns_the_contract_does_not_use_are_listed(home, capsys):
    folder = _delivery(home, {"users.csv": USERS})
    _, out = _check(capsys, str(folder))
    assert "columns not used: shoe_size" in out


def test_preset_values_with_no_mapping_are_listed(home, capsys, tmp_path):
    folder = _delivery(home, {"Deals.csv": DEALS})
    (tmp_path / "stage_crm.yml").write_text(PRESET)
    code, out = _check(capsys, str(folder), "--preset", str(tmp_path / "stage_crm.yml"))
    assert code == 0
    assert "Deals.csv: loaded (deals) -> opportunities" in out
    assert "opportunities.stage: 1 value(s) the preset does not map: 'Negotiation' (1)" in out
    # A native column no mapping uses.
    assert "columns not used: Notes" in out


def test_entities_left_empty_say_what_the_marts_lose_and_which_file_fills_them(home, capsys):
    folder = _delivery(home, {"users.csv": USERS})
    _, out = _check(capsys, str(folder))
    lines = out.splitlines()
    lacking = next(line for line in lines if line.startswith("no rows for opportunities"))
    assert lacking == (
        "no rows for opportunities -> empty: open pipeline, win rates and deal sizes "
        "[rpt_pipeline, rpt_pipeline_outcomes]; would be filled by opportunities.csv in the "
        "CRM extracts"
    )


def test_a_preset_delivery_is_told_the_preset_s_own_file_for_an_empty_entity(
    home, capsys, tmp_path
):
    folder = _delivery(home, {"Deals.csv": DEALS})
    (tmp_path / "stage_crm.yml").write_text(PRESET)
    _, out = _check(capsys, str(folder), "--preset", "salesforce")
    lacking = next(line for line in out.splitlines() if line.startswith("no rows for accounts"))
    assert lacking.endswith("would be filled by Account.csv in the salesforce export")
    _, out = _check(capsys, str(folder), "--preset", str(tmp_path / "stage_crm.yml"))
    lacking = next(line for line in out.splitlines() if line.startswith("no rows for accounts"))
    assert lacking.endswith(
        "would be filled by no file of the stage_crm preset (none is mapped to accounts)"
    )


def test_the_file_named_to_fill_an_entity_is_the_one_its_contract_reads():
    contracts = load_contracts()
    dependencies = source_dependencies(REPO_ROOT / "dbt")
    named = {key: row["filled_by"].split()[0] for key, row in dependencies.items()}
    read = {
        (source, name): entity.file_pattern
        for source, contract in contracts.items()
        for name, entity in contract.entities.items()
        if (source, name) in named
    }
    assert len(read) == len(named) >= 20
    assert named == read


def test_a_file_that_would_be_rejected_makes_the_check_fail(home, capsys):
    folder = _delivery(home, {"users.csv": USERS, "accounts.csv": b"\xff\xfe\x00garbage\x00"})
    code, out = _check(capsys, str(folder))
    assert code == 1
    assert "accounts.csv: rejected" in out
    assert "1 file(s) would be rejected" in out


def test_a_file_in_a_subfolder_is_checked_under_its_path_in_the_delivery(home, capsys):
    folder = _delivery(home, {"Users/users.csv": USERS})
    code, out = _check(capsys, str(folder))
    assert code == 0
    block = "Users/users.csv: loaded -> users\n  rows read 3, would load 1, would quarantine 2"
    assert block in out
    assert "columns not used: shoe_size" in out  # read from the file where it is


def test_json_output_carries_the_same_findings(home, capsys):
    folder = _delivery(home, {"users.csv": USERS})
    code, out = _check(capsys, str(folder), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["rejected"] == 0
    (users,) = report["files"]
    assert (users["rows_read"], users["rows_loaded"], users["rows_quarantined"]) == (3, 1, 2)
    assert report["rows_by_entity"]["users"] == 1
    assert "opportunities" in report["empty_entities"]
    assert report["missing_data"]["opportunities"]["consequence"] == "empty"


def test_nothing_is_written_to_the_real_raw_area(home, capsys):
    folder = _delivery(home, {"users.csv": USERS})
    _check(capsys, str(folder))
    assert not (home / "raw").exists()


def test_a_zip_archive_is_checked_as_a_refresh_unpacks_it_and_left_as_it_is(home, capsys):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/users.csv", USERS)
    folder = _delivery(home, {"Export.ZIP": buffer.getvalue(), "broken.zip": b"PK\x03\x04cut"})
    code, out = _check(capsys, str(folder))
    assert code == 1
    assert "unpacked Export.ZIP: 1 file(s), read from Export/, as a refresh unpacks it" in out
    block = "Export/export/users.csv: loaded -> users\n  rows read 3, would load 1, would quar"
    assert block in out
    assert "columns not used: shoe_size" in out
    assert "broken.zip: rejected -> -\n" in out
    assert "broken.zip: file rejected: not a readable zip archive: File is not a zip file" in out
    assert sorted(p.name for p in folder.iterdir()) == ["Export.ZIP", "broken.zip"]

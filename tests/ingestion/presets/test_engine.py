"""The preset engine on small hand-written exports: mapping, value maps, skips, accounting."""

import textwrap
from pathlib import Path

import polars as pl
import pytest

from ingestion.presets.mapping import MappingError
from ingestion.raw_store import entity_dir, quarantine_dir, read_load_log
from ingestion.sources import ingest, load_sources

DAY = "2026-11-30"

# A CRM that writes users and "people" (sales reps and managers) in CamelCase, with its own
# role names; one role it does not know; a `Bot` user that is not data.
PRESET = """
preset: tiny_crm
source: crm
params:
  region: EMEA
format: {kind: csv, header_match: loose, true_values: ["Y"], false_values: ["N"]}
tables:
  staff:
    file: Staff.csv
    columns:
      Id: {type: string, required: true}
      FullName: {type: string}
      Title: {type: string}
      Active: {type: boolean}
  managers:
    file: Managers.csv
    columns:
      ManagerId: {type: string, required: true}
      Name: {type: string}
skip:
  - {table: staff, where: "Title = 'Bot'", reason: "integration user: not a person"}
entities:
  users:
    - from: staff
      where: "Title != 'Intern'"
      columns:
        user_id: Id
        name: FullName
        role:
          column: Title
          values: {Account Executive: AE, Customer Success: CSM}
        region: "'${region}'"
        is_active: Active
    - from: managers
      columns:
        user_id: ManagerId
        name: Name
        role: "'Manager'"
"""

STAFF = """\
Id,Full_Name,TITLE,active
u1,Ada Lovelace,Account Executive,Y
u2,Grace Hopper,Customer Success,N
u3,Alan Turing,Sales Engineer,Y
u4,Build Bot,Bot,Y
u5,Summer Intern,Intern,Y
"""


def _home(tmp_path: Path, preset: str = PRESET, sources_extra: str = "") -> Path:
    home = tmp_path / "home"
    delivery = home / "landing" / "crm" / DAY
    delivery.mkdir(parents=True)
    (delivery / "Staff.csv").write_text(STAFF, encoding="utf-8")
    (delivery / "Managers.csv").write_text("ManagerId,Name\nm1,Edsger Dijkstra\n")
    (home / "tiny_crm.yml").write_text(preset, encoding="utf-8")
    sources = "sources:\n  crm:\n    preset: tiny_crm.yml\n" + sources_extra
    (home / "sources.yml").write_text(sources, encoding="utf-8")
    return home


def _ingest(home: Path):
    source = load_sources(home / "sources.yml")["crm"]
    return ingest(source, home / "landing", home / "raw"), source


def _users(home: Path, source) -> pl.DataFrame:
    folder = entity_dir(home / "raw", source.contract.entities["users"])
    return pl.read_parquet(folder / "*.parquet").sort("user_id")


def _quarantine(home: Path) -> dict[int, str]:
    frame = pl.read_parquet(quarantine_dir(home / "raw") / "*.parquet")
    return dict(zip(frame["row_number"], frame["reason"], strict=True))


def test_two_native_tables_map_into_one_entity_with_value_maps_and_params(tmp_path):
    home = _home(tmp_path)
    _, source = _ingest(home)
    users = _users(home, source)
    assert users.select("user_id", "name", "role", "region", "is_active").rows() == [
        ("m1", "Edsger Dijkstra", "Manager", None, None),
        ("u1", "Ada Lovelace", "AE", "EMEA", True),
        ("u2", "Grace Hopper", "CSM", "EMEA", False),
        # A role the map does not know becomes null (the contract allows it) and is reported.
        ("u3", "Alan Turing", None, "EMEA", True),
    ]
    # Each canonical row keeps the native file and line it came from.
    assert users.filter(pl.col("user_id") == "u2")["_source_file"].item() == f"crm/{DAY}/Staff.csv"
    assert users.filter(pl.col("user_id") == "u2")["_row_number"].item() == 3


def test_every_native_row_is_loaded_or_quarantined_with_its_reason(tmp_path):
    home = _home(tmp_path)
    loads, _ = _ingest(home)
    staff = next(load for load in loads if load.source_file.endswith("Staff.csv"))
    assert (staff.rows_read, staff.rows_loaded, staff.rows_quarantined) == (5, 3, 2)
    assert _quarantine(home) == {
        5: "integration user: not a person",
        6: "no entity of preset tiny_crm takes this staff row (mapped: users)",
    }
    log = read_load_log(home / "raw")
    assert (log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"]).all()


def test_a_preset_source_s_misnamed_folder_is_rejected_too(tmp_path):
    home = _home(tmp_path)
    (home / "landing" / "crm" / DAY).rename(home / "landing" / "crm" / "export")
    loads, _ = _ingest(home)
    assert sorted((load.status, load.source_file) for load in loads) == [
        ("rejected", "crm/export/Managers.csv"),
        ("rejected", "crm/export/Staff.csv"),
    ]
    assert all("folder 'export' is not named as a delivery" in load.message for load in loads)


def test_a_value_the_preset_does_not_map_is_reported_in_the_load_log(tmp_path):
    home = _home(tmp_path)
    loads, _ = _ingest(home)
    staff = next(load for load in loads if load.source_file.endswith("Staff.csv"))
    assert "users.role: 1 value(s) the preset does not map: 'Sales Engineer' (1)" in staff.message


def test_headers_match_whatever_their_case_and_underscores(tmp_path):
    home = _home(tmp_path)
    _, source = _ingest(home)
    # `Full_Name`, `TITLE` and `active` in the file are `FullName`, `Title`, `Active`.
    assert _users(home, source)["name"].to_list()[1] == "Ada Lovelace"


def test_local_overrides_in_sources_yml_change_a_parameter(tmp_path):
    home = _home(tmp_path, sources_extra="    overrides:\n      params: {region: APAC}\n")
    _, source = _ingest(home)
    assert set(_users(home, source)["region"].drop_nulls()) == {"APAC"}


def test_a_mapped_row_that_breaks_the_canonical_contract_quarantines_its_native_row(tmp_path):
    strict = PRESET.replace("values: {Account", "default: Engineer\n          values: {Account")
    home = _home(tmp_path, preset=strict)
    _ingest(home)
    assert _quarantine(home)[4] == ("users: role: 'Engineer' is not one of AE, SDR, CSM, Manager")


def test_a_preset_whose_sql_fails_names_the_entity(tmp_path):
    broken = PRESET.replace("name: FullName", "name: no_such_column")
    home = _home(tmp_path, preset=broken)
    with pytest.raises(MappingError, match="entity users: the mapping's SQL failed"):
        _ingest(home)


def test_a_preset_naming_an_unknown_canonical_column_is_refused(tmp_path):
    home = _home(tmp_path, preset=PRESET.replace("region: \"'${region}'\"", "planet: Id"))
    with pytest.raises(ValueError, match=r"crm.users has no column\(s\) planet"):
        load_sources(home / "sources.yml")


def test_an_unknown_shipped_preset_lists_the_shipped_ones(tmp_path):
    (tmp_path / "sources.yml").write_text("sources:\n  crm:\n    preset: sugarcrm\n")
    with pytest.raises(ValueError, match="unknown preset 'sugarcrm': shipped presets are c360"):
        load_sources(tmp_path / "sources.yml")


def test_a_rerun_loads_nothing_again(tmp_path):
    home = _home(tmp_path)
    _ingest(home)
    again, _ = _ingest(home)
    assert again == []


def test_without_sources_yml_the_built_in_contracts_are_used(tmp_path):
    sources = load_sources(tmp_path / "sources.yml")
    assert {name: s.preset_name for name, s in sources.items()} == {"crm": "c360", "erp": "c360"}


def test_the_preset_format_is_documented_where_it_is_defined():
    # The worked example a data engineer copies documents what it maps and why.
    text = (Path(__file__).parents[3] / "ingestion/presets/invoice_lines.yml").read_text()
    assert "guest (cash) sales" in text and "bad-debt" in text
    assert textwrap.dedent(text).startswith("# Preset `invoice_lines`")

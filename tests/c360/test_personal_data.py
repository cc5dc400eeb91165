"""Personal data kept apart: a masked serving file for every reader, a restricted copy beside it.

Each test builds a small public database by hand with declared personal-data columns, publishes
it, and reads the two files back (their bytes too). The whole pipeline on a generated company is
in tests/integration/test_personal_data_pipeline.py.
"""

import dataclasses
import os
import shutil
import stat

import duckdb
import pytest

from c360.cli import main
from c360.personal_data import MASK_MARK, PersonalDataDeclarationError, create_declarations
from c360.publish import list_versions, publish, remove_leftovers
from c360.rollback import rollback
from c360.serving import connect_readonly, resolve_current
from c360.version_integrity import DamagedVersionError, check_size
from tests.conftest import settings_for

PLANTED = {
    "contact_name": "Zoë Ångström-Planté",
    "contact_email": "zoe.angstrom-plante@planted.example",
    "phone": "+33 6 98 76 54 32",
    "rep": "Bartholomäus Quirinus",
}


@pytest.fixture
def settings(tmp_path, monkeypatch):
    return settings_for(tmp_path, monkeypatch)


def build_people(settings, *, declare: bool = True, suffix: str = "") -> None:
    """A public database with a customer table holding a contact, a phone-less customer, and a
    table of dimensions whose sales owner rows name a person and whose product rows do not."""
    settings.public_db.parent.mkdir(parents=True, exist_ok=True)
    settings.public_db.unlink(missing_ok=True)
    con = duckdb.connect(str(settings.public_db))
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_customers (customer_key varchar not null, customer_name varchar, "
        "main_contact_name varchar, main_contact_email varchar, phone varchar)"
    )
    con.execute(
        "insert into marts.dim_customers values "
        "('K1', 'Planted Optics SA', ?, ?, ?), ('K2', 'Other Optics SA', ?, null, null), "
        "('K3', 'Third Optics SA', null, null, null)",
        [
            PLANTED["contact_name"] + suffix,
            PLANTED["contact_email"],
            PLANTED["phone"],
            PLANTED["contact_name"] + suffix,
        ],
    )
    con.execute("comment on column marts.dim_customers.main_contact_name is 'The main contact.'")
    con.execute(
        "create table marts.rpt_margin (dimension varchar, dimension_value varchar, amount int)"
    )
    con.execute(
        "insert into marts.rpt_margin values ('product', 'GD-1206', 10), "
        "('sales_owner', ?, 20), (null, 'unknown kind', 30)",
        [PLANTED["rep"]],
    )
    if declare:
        create_declarations(
            con,
            [
                ("marts", "dim_customers", "main_contact_name", None),
                ("marts", "dim_customers", "main_contact_email", None),
                ("marts", "dim_customers", "phone", None),
                ("marts", "rpt_margin", "dimension_value", "dimension = 'sales_owner'"),
            ],
        )
    con.close()


def rows(path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def planted_bytes(path) -> list[str]:
    """Which planted values occur anywhere in the file's bytes (UTF-8)."""
    content = path.read_bytes()
    return sorted(name for name, value in PLANTED.items() if value.encode() in content)


def test_the_masked_file_holds_no_byte_of_a_personal_value_and_the_restricted_one_does(
    settings,
):
    build_people(settings)
    publication = publish(settings)
    assert planted_bytes(publication.path) == []
    assert planted_bytes(publication.restricted_path) == sorted(PLANTED)
    assert publication.masked_columns == [
        "marts.dim_customers.main_contact_name",
        "marts.dim_customers.main_contact_email",
        "marts.dim_customers.phone",
        "marts.rpt_margin.dimension_value",
    ]


def test_masked_values_are_marked_null_stays_null_and_equal_values_stay_equal(settings):
    build_people(settings)
    publication = publish(settings)
    masked = rows(
        publication.path,
        "select customer_key, customer_name, main_contact_name, main_contact_email, phone "
        "from marts.dim_customers order by customer_key",
    )
    (_, name1, contact1, email1, phone1), (_, name2, contact2, email2, phone2), k3 = masked
    assert (name1, name2) == ("Planted Optics SA", "Other Optics SA")  # organisations stay
    for value in (contact1, email1, phone1, contact2):
        assert value.startswith(MASK_MARK) and len(value) == len(MASK_MARK) + 8
    assert contact1 == contact2  # the same person: the same token, so counts and groups hold
    assert len({contact1, email1, phone1}) == 3
    assert (email2, phone2) == (None, None)  # missing stays missing
    assert k3 == ("K3", "Third Optics SA", None, None, None)


def test_only_the_declared_rows_are_masked_and_a_row_of_unknown_kind_is_masked_too(settings):
    build_people(settings)
    publication = publish(settings)
    values = rows(
        publication.path, "select dimension, dimension_value from marts.rpt_margin order by amount"
    )
    assert values[0] == ("product", "GD-1206")
    assert values[1][0] == "sales_owner" and values[1][1].startswith(MASK_MARK)
    assert values[2][0] is None and values[2][1].startswith(MASK_MARK)


def test_tokens_change_with_every_publication(settings):
    build_people(settings)
    first = publish(settings)
    second = publish(settings)
    sql = "select main_contact_email from marts.dim_customers where customer_key = 'K1'"
    assert rows(first.path, sql) != rows(second.path, sql)


def test_the_masked_file_keeps_descriptions_constraints_and_the_publication_record(settings):
    build_people(settings)
    publication = publish(settings)
    assert rows(
        publication.path,
        "select comment from duckdb_columns() where column_name = 'main_contact_name'",
    ) == [("The main contact.",)]
    assert rows(
        publication.path,
        "select constraint_type from duckdb_constraints() where table_name = 'dim_customers'",
    ) == [("NOT NULL",)]
    assert rows(publication.path, "select version from meta.publication") == [
        (publication.version,)
    ]
    assert rows(publication.path, "select count(*) from quality.personal_data_columns") == [(4,)]


def test_readers_get_the_masked_file_unless_they_ask_for_personal_data(settings):
    build_people(settings)
    publication = publish(settings)
    assert resolve_current(settings) == publication.path
    assert resolve_current(settings, personal_data=True) == publication.restricted_path
    assert publication.restricted_path.parent == settings.restricted_serving_dir
    con = connect_readonly(settings, resolve_current(settings, personal_data=True))
    try:
        assert con.execute(
            "select phone from marts.dim_customers where phone is not null"
        ).fetchall() == [(PLANTED["phone"],)]
    finally:
        con.close()


def test_c360_sql_reads_the_masked_file_unless_asked_for_personal_data(settings, capsys):
    build_people(settings)
    publish(settings)
    sql = "select main_contact_email from marts.dim_customers where customer_key = 'K1'"
    assert main(["sql", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith(MASK_MARK)
    assert main(["sql", sql, "--format", "csv", "--personal-data"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == PLANTED["contact_email"]


def test_only_the_publishing_account_may_open_the_restricted_folder_unless_it_is_shared(
    settings,
):
    build_people(settings)
    publication = publish(settings)
    assert stat.S_IMODE(settings.restricted_serving_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(publication.restricted_path.stat().st_mode) == 0o640
    settings.restricted_serving_dir.chmod(0o750)  # an administrator shares it with a group
    publish(settings)
    assert stat.S_IMODE(settings.restricted_serving_dir.stat().st_mode) == 0o750


def test_a_build_without_declarations_is_not_published(settings):
    build_people(settings, declare=False)
    with pytest.raises(PersonalDataDeclarationError, match=r"quality\.personal_data_columns"):
        publish(settings)
    assert list_versions(settings) == []
    assert not [p for p in settings.serving_dir.rglob("*") if p.is_file()]


def test_a_declared_column_the_table_lacks_stops_the_publication(settings):
    build_people(settings)
    con = duckdb.connect(str(settings.public_db))
    con.execute("alter table marts.dim_customers rename column phone to mobile_phone")
    con.close()
    with pytest.raises(PersonalDataDeclarationError, match=r"marts.dim_customers .* phone"):
        publish(settings)
    assert list_versions(settings) == []


def test_both_files_of_a_version_are_recorded_and_a_damaged_restricted_copy_is_caught(settings):
    build_people(settings)
    publication = publish(settings)
    with publication.restricted_path.open("ab") as handle:
        handle.write(b"\0" * 10)
    check_size(settings, publication.path)
    with pytest.raises(DamagedVersionError, match=str(publication.restricted_path)):
        check_size(settings, publication.restricted_path)


def test_rollback_passes_over_a_version_whose_restricted_copy_is_damaged_or_missing(settings):
    versions = []
    for suffix in ("1", "2", "3", "4"):
        build_people(settings, suffix=suffix)
        versions.append(publish(settings))
    versions[2].restricted_path.write_bytes(b"not a database")
    versions[1].restricted_path.unlink()
    skipped = []
    assert rollback(settings, skipped.append) == versions[0].path
    assert [line.split(":")[0] for line in skipped] == [
        f"skipped {versions[2].path.name}",
        f"skipped {versions[1].path.name}",
    ]
    sql = "select main_contact_name from marts.dim_customers where customer_key = 'K1'"
    con = connect_readonly(settings, resolve_current(settings, personal_data=True))
    try:
        assert con.execute(sql).fetchall() == [(PLANTED["contact_name"] + "1",)]
    finally:
        con.close()


def test_pruning_and_leftover_removal_treat_the_two_files_as_one_version(settings):
    settings = dataclasses.replace(settings, keep_versions=2)
    build_people(settings)
    published = [publish(settings) for _ in range(3)]
    kept = [p.path.name for p in published[1:]]
    assert [v.name for v in list_versions(settings)] == kept
    assert sorted(p.name for p in settings.restricted_serving_dir.iterdir()) == kept
    # A publication killed between its two renames leaves a restricted copy never served, and
    # one killed earlier a temporary file in the restricted folder.
    never_served = settings.restricted_serving_dir / "c360-20990101T000000000000Z.duckdb"
    shutil.copyfile(published[-1].restricted_path, never_served)
    half_written = settings.restricted_serving_dir / f".{never_served.name}.abc.tmp"
    half_written.write_bytes(b"partial")
    removed = remove_leftovers(settings)
    assert set(removed) == {never_served, half_written}
    assert sorted(p.name for p in settings.restricted_serving_dir.iterdir()) == kept
    assert all(os.path.exists(p.restricted_path) for p in published[1:])

"""A data root whose path holds a single quote (`/home/Jean D'Arc/c360`): every statement that
names a file in SQL (ATTACH, COPY ... TO, COMMENT ON) quotes it (c360/sql_text.py). Before, the
refresh built everything, then failed at its catalogue step with a parser error."""

import shutil
from pathlib import Path

import duckdb
import pytest

from c360.build_files import connect_build
from c360.personal_data import write_masked_copy
from c360.sql_text import sql_literal
from c360.subject import Subject
from c360.subject_duckdb import scrub_duckdb
from dagster_project.docs_inputs import write_docs_inputs
from tests.conftest import settings_for

QUOTED = "Jean D'Arc's files, é"


@pytest.mark.parametrize("text", ["D'Arc", "''", "a'';--", "back\\slash", "é\nnew line", ""])
def test_a_literal_reads_back_as_the_text_it_was_made_of(text):
    with duckdb.connect() as con:
        assert con.execute(f"select {sql_literal(text)}").fetchall() == [(text,)]


def test_the_build_the_masked_copy_and_the_docs_open_under_a_quoted_folder(
    built, tmp_path, monkeypatch
):
    home = tmp_path / QUOTED / "c360"
    shutil.copytree(built, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    with duckdb.connect(str(built / "warehouse" / "public.duckdb"), read_only=True) as con:
        [(customers,)] = con.execute("select count(*) from marts.dim_customers").fetchall()

    con = connect_build(settings)
    try:
        assert con.execute("select count(*) from dim_customers").fetchall() == [(customers,)]
    finally:
        con.close()
    masked = write_masked_copy(settings.public_db, home / "masked.duckdb")
    assert "marts.dim_customers.main_contact_email" in masked
    with duckdb.connect(str(home / "masked.duckdb"), read_only=True) as copy:
        [(rows,)] = copy.execute("select count(*) from marts.dim_customers").fetchall()
    assert rows == customers
    assert write_docs_inputs(settings, settings.dbt_target_dir) > 0


def test_an_erasure_rewrites_a_database_under_a_quoted_folder(tmp_path: Path):
    folder = tmp_path / QUOTED
    folder.mkdir()
    path = folder / "store.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table contacts (contact_id varchar, email varchar)")
        con.execute("insert into contacts values ('c1', 'zoe.q@example.org'), ('c2', 'x@y.z')")
    person = Subject(
        contact_ids=frozenset({"c1"}),
        emails=frozenset({"zoe.q@example.org"}),
        phones=frozenset(),
        names=frozenset(),
    )

    edit = scrub_duckdb(path, person)

    assert edit.rows_removed == {'"main"."contacts"': 1}
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select contact_id from contacts").fetchall() == [("c2",)]

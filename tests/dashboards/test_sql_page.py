"""The SQL page: analysts' queries with a row and time limit, the documented catalogue, and every
way out of the read-only sandbox tried from the page itself."""

import hashlib
import shutil

import duckdb
import pytest

from c360.publish import switch_current
from c360.serving import restricted_copy
from tests.conftest import settings_for
from tests.dashboards.app import mart, run_page


def submit(app, sql: str, *, row_limit: int | None = None, seconds: int | None = None):
    app.text_area(key="sql_text").input(sql)
    if row_limit is not None:
        app.number_input(key="sql_limit").set_value(row_limit)
    if seconds is not None:
        app.number_input(key="sql_seconds").set_value(seconds)
    app.button(key="sql_run").click().run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def result(app):
    return next(f.value for f in reversed(app.dataframe))


def test_the_default_query_lists_every_month_of_the_kpi_mart(published):
    months = mart(published, "select count(*) as n from marts.rpt_kpi_monthly")["n"][0]
    app = submit(run_page("sql"), run_page("sql").text_area(key="sql_text").value)
    assert len(result(app)) == months
    assert not app.error


def test_the_row_limit_keeps_the_first_rows_and_says_more_exist(published):
    app = submit(run_page("sql"), "select * from marts.fct_invoice_lines", row_limit=7)
    assert len(result(app)) == 7
    assert app.caption[-1].value.startswith("the first 7 rows (the row limit; more exist)")


def test_a_query_over_its_time_limit_is_interrupted(published):
    app = submit(run_page("sql"), "select sum(hash(i)) from range(100000000000) t(i)", seconds=1)
    assert app.error[0].value.startswith("The query stopped after 1 s (the time limit asked for)")


def test_the_catalogue_lists_published_tables_with_their_documented_columns(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, monkeypatch)
    settings.serving_dir.mkdir(parents=True)
    target = settings.serving_dir / "c360-20260101T000000000000Z.duckdb"
    con = duckdb.connect(str(target))
    con.execute("create schema marts")
    con.execute("create table marts.dim_customers (customer_key varchar, segment varchar)")
    con.execute("comment on table marts.dim_customers is 'One row per customer.'")
    con.execute("comment on column marts.dim_customers.segment is 'ERP segment.'")
    con.close()
    restricted = restricted_copy(settings, target)  # what the page's local admin reads
    restricted.parent.mkdir()
    shutil.copy(target, restricted)
    switch_current(settings, target)
    app = run_page("sql")
    tables = app.dataframe[0].value
    assert tables["description"].tolist() == ["One row per customer."]
    columns = app.dataframe[1].value
    assert dict(zip(columns["column"], columns["description"], strict=True)) == {
        "customer_key": "",
        "segment": "ERP segment.",
    }


ESCAPES = [
    "insert into marts.rpt_kpi_monthly select * from marts.rpt_kpi_monthly",
    "update marts.dim_customers set customer_name = 'x'",
    "delete from marts.dim_customers",
    "drop table marts.dim_customers",
    "create table marts.stolen as select 1 as x",
    "attach '{tmp}/rw.duckdb' as rw",
    "attach ':memory:' as scratch",
    'detach "{db}"',
    "detach database if exists \"{db}\"; attach '{file}' as rw; drop table rw.marts.dim_customers",
    "use system.main; detach \"{db}\"; attach '{file}' as rw",
    "set enable_external_access = true",
    "set lock_configuration = false",
    "reset disabled_filesystems",
    "set disabled_filesystems = ''",
    "select * from read_text('{file}')",
    "select * from read_csv('/etc/passwd')",
    "select * from glob('{tmp}/*')",
    "copy (select 1 as x) to '{tmp}/out.csv'",
    "export database '{tmp}/dump'",
    "install httpfs",
    "load '{tmp}/evil.duckdb_extension'",
]


@pytest.mark.parametrize("statement", ESCAPES)
def test_the_page_cannot_write_attach_detach_change_settings_or_read_files(
    published, tmp_path, statement
):
    serving_file = published.current_pointer.resolve()
    before = hashlib.sha256(serving_file.read_bytes()).hexdigest()
    sql = statement.format(tmp=tmp_path, db=serving_file.stem, file=serving_file)
    app = submit(run_page("sql"), sql)
    assert app.error, f"no error for: {sql}"
    assert list(tmp_path.iterdir()) == []
    assert hashlib.sha256(serving_file.read_bytes()).hexdigest() == before
    # The next query on a fresh connection still sees the published tables, read-only.
    assert submit(app, "select count(*) as n from marts.dim_customers").error == []


def test_several_statements_show_the_last_result_and_say_so(published):
    app = submit(run_page("sql"), "select 1 as first; select 2 as second")
    assert result(app)["second"].to_list() == [2]
    assert app.caption[-1].value.endswith("; 2 statements ran; the result shown is the last one's")

"""Text holding several statements: each runs, and the reader is told the result is the last's."""

from c360.cli import main
from c360.publish import publish
from c360.query import several_statements_note
from tests.c360.test_personal_data import build_people
from tests.conftest import settings_for


def test_several_statements_are_counted_and_one_is_not_remarked() -> None:
    assert several_statements_note("select 1; select 2") == (
        "2 statements ran; the result shown is the last one's"
    )
    assert several_statements_note(
        "create temp table t as select 1 as x; insert into t values (2); select * from t"
    ) == ("3 statements ran; the result shown is the last one's")
    assert several_statements_note("select 1;") is None
    assert several_statements_note("select ';' as semicolon -- ; not a statement") is None
    assert several_statements_note("selec x fro") is None  # the run names its parse error


def test_c360_sql_prints_the_last_statements_result_and_says_several_ran(
    tmp_path, monkeypatch, capsys
) -> None:
    settings = settings_for(tmp_path, monkeypatch)
    build_people(settings)  # a small published warehouse
    publish(settings)
    assert main(["sql", "select 1 as first; select 2 as second", "--format", "csv"]) == 0
    shown = capsys.readouterr()
    assert shown.out.splitlines() == ["second", "2"]
    assert shown.err == "c360 sql: 2 statements ran; the result shown is the last one's\n"

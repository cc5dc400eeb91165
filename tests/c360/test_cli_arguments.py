"""A wrong number or an empty identifier on the command line is argparse's error naming the
option, exit 2, nothing done (c360/cli/arguments.py): it was the generator's ValueError, or
Streamlit's OverflowError, with a traceback, or a search of the data root for nobody; and an SQL
text without a statement says so (it said `'NoneType' object has no attribute 'description'`)."""

import pytest

from c360 import cli
from c360.query import run_query

NOBODY = "an empty value identifies nobody: give one"
WRONG = [
    (["generate", "--customers", "0"], "argument --customers: 0 is below 1: give 1 or more"),
    (["generate", "--days", "-3"], "argument --days: -3 is below 1: give 1 or more"),
    (["generate", "--seed", "-1"], "argument --seed: -1 is below 0: give 0 or more"),
    (["demo", "--customers", "many"], "argument --customers: 'many' is not a whole number"),
    (["serve", "--port", "70000"], "argument --port: 70000 is above 65535, the highest TCP port"),
    (["serve", "--port", "0"], "argument --port: 0 is below 1: give 1 or more"),
    (["postgres", "start", "--port", "x"], "argument --port: 'x' is not a whole number"),
    (["bench", "--customers", "100", "0"], "argument --customers: 0 is below 1: give 1 or more"),
    (["soak", "--minutes", "0"], "argument --minutes: 0 is not above 0"),
    (["soak", "--mutations", "-1"], "argument --mutations: -1 is below 0: give 0 or more"),
    (["subject", "export", "--email", ""], "argument --email: " + NOBODY),
    (["subject", "erase", "--contact-id", "  "], "argument --contact-id: " + NOBODY),
    (["subject", "erase", "--customer", "", "--yes"], "argument --customer: " + NOBODY),
]


@pytest.mark.parametrize(("argv", "said"), WRONG, ids=[" ".join(a) for a, _ in WRONG])
def test_a_wrong_value_is_named_with_what_the_option_takes(
    argv, said, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("C360_HOME", str(tmp_path / "home"))
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(said)
    assert not (tmp_path / "home").exists()  # nothing was started


@pytest.mark.parametrize("text", ["", "  \n", ";", "-- a comment", "/* only this */"])
def test_a_query_without_a_statement_says_so(settings, text):
    with pytest.raises(ValueError, match=r"^the query holds no SQL statement \(it is empty, or"):
        run_query(settings, text)

"""The ten worked questions of docs/analysts.md run, as written, on a generated company, through
`c360 sql`'s read-only connection, and each answers with rows: an edited mart that breaks one of
them, or an edit of the page that breaks its SQL, fails here."""

import re
from pathlib import Path

import pytest

from c360.query import run_query
from c360.settings import Settings

PAGE = Path(__file__).parents[2] / "docs" / "analysts.md"


def questions() -> list[str]:
    text = PAGE.read_text().split("## Ten worked questions", 1)[1]
    return re.findall(r"```sql\n(.*?)```", text, re.S)


def test_the_page_has_ten_questions():
    assert len(questions()) == 10


@pytest.mark.parametrize("number", range(1, 11))
def test_each_worked_question_answers_on_a_generated_company(settings: Settings, number: int):
    columns, rows = run_query(settings, questions()[number - 1])
    assert columns and rows, f"question {number} returned no rows"
    assert all(any(value is not None for value in row) for row in rows)

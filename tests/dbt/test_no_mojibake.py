"""The `no_mojibake` generic data test flags text read in the wrong encoding, and only that.

Its pattern is taken from the test's own SQL and run by DuckDB, the engine the marts build on;
that the marts pass it on the sample company is checked by every refresh (it is an error-level
data test on their name, address and city columns).
"""

import re

import duckdb
import pytest

from c360.settings import REPO_ROOT

SQL = (REPO_ROOT / "dbt" / "tests" / "generic" / "no_mojibake.sql").read_text(encoding="utf-8")
PATTERN = re.search(r"\{%- set pattern -%\}\s*(\S+)\s*\{%- endset %\}", SQL).group(1)


def flagged(text: str) -> bool:
    return duckdb.execute("select regexp_matches(?, ?)", [text, PATTERN]).fetchone()[0]


@pytest.mark.parametrize(
    "text",
    [
        "Frères".encode().decode("cp1252"),
        "Hôtellerie".encode().decode("cp1252"),
        "CafÃ©",
        "25Â°C",
        "it’s".encode().decode("cp1252"),
        "Ã‰cole",
        "Soci\ufffdt\ufffd",
    ],
)
def test_utf8_read_as_windows_1252_or_replaced_bytes_are_flagged(text):
    assert flagged(text)


@pytest.mark.parametrize(
    "text", ["Frères", "Hôtellerie", "SÃO PAULO", "São Paulo", "N° 5", "Œuvre", "Dupont & Fils"]
)
def test_real_accented_text_is_not_flagged(text):
    assert not flagged(text)

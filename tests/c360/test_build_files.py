"""One connection over the build's two files, as dbt sees them."""

import duckdb
import pytest

from c360.build_files import connect_build
from tests.c360.test_publish import build_with
from tests.conftest import settings_for


def test_internal_and_public_schemas_resolve_by_their_own_names(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, monkeypatch)
    build_with(settings, 42)
    con = connect_build(settings)
    try:
        row = con.execute("select revenue, x from marts.kpi, staging.internal").fetchone()
        with pytest.raises(duckdb.Error):
            con.execute("create table marts.y as select 1")  # read-only: a refresh may be writing
    finally:
        con.close()
    assert row == (42, 1)

"""Publishing's breakdown times every table of the masked copy, on copies of a real build."""

import duckdb
import pytest

from bench.publish_breakdown import breakdown, main


def test_every_table_of_the_version_is_timed_and_the_data_root_is_left_alone(settings, tmp_path):
    before = sorted(p.name for p in settings.home.iterdir())
    figures = breakdown(settings, top=3, scratch=tmp_path)

    with duckdb.connect(str(settings.public_db), read_only=True) as con:
        tables = con.execute("select count(*) from duckdb_tables()").fetchone()[0]
        [(timeline_rows,)] = con.execute(
            "select count(*) from marts.fct_customer_activity_timeline"
        ).fetchall()
    assert figures["tables"] == tables
    assert 0 < figures["personal_tables_s"] <= figures["masked_tables_s"]
    assert figures["masked_tables_s"] <= figures["masked_copy_s"]
    assert figures["masked_mb"] > 0
    assert figures["restricted_mb"] > 0
    slowest = figures["slowest"]
    assert len(slowest) == 3
    assert [t["s"] for t in slowest] == sorted((t["s"] for t in slowest), reverse=True)
    full = breakdown(settings, top=tables, scratch=tmp_path)["slowest"]
    by_name = {t["table"]: t for t in full}
    assert by_name["marts.fct_customer_activity_timeline"]["rows"] == timeline_rows
    assert by_name["marts.dim_customers"]["personal"]
    assert not by_name["marts.fct_invoice_lines"]["personal"]
    assert sorted(p.name for p in settings.home.iterdir()) == before
    assert list(tmp_path.iterdir()) == []


def test_a_data_root_with_no_build_gets_a_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("C360_HOME", str(tmp_path))
    monkeypatch.setattr("sys.argv", ["publish_breakdown"])
    with pytest.raises(SystemExit) as stopped:
        main()
    message = str(stopped.value)
    assert f"{tmp_path}/warehouse/public.duckdb does not exist" in message
    assert "run `c360 refresh` there first" in message
    assert list(tmp_path.iterdir()) == []

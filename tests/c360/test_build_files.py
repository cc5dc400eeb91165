"""One connection over the build's two files, as dbt sees them."""

import duckdb
import polars as pl
import pytest

from c360.build_files import apply_build_settings, connect_build
from c360.settings import Settings
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


def test_a_connection_takes_the_builds_limits_and_spills_into_its_folder(tmp_path):
    settings = Settings.from_env(
        {"C360_HOME": str(tmp_path), "C360_BUILD_MEMORY_LIMIT": "64MB", "C360_BUILD_THREADS": "1"}
    )
    con = duckdb.connect()
    try:
        apply_build_settings(con, settings)
        # Two million distinct 32-character hashes: well past 64MB in a hash table.
        [(count,)] = con.execute(
            "select count(*) from (select distinct md5(i::varchar) from range(2000000) r(i))"
        ).fetchall()
        assert count == 2_000_000
        # DuckDB keeps its owner file in a folder it has spilled into until it closes.
        assert [p.name for p in settings.build_spill_dir.glob("duckdb_temp_*_owner")]
        apply_build_settings(con, settings)  # again, after spilling: the folder is left as is
        assert con.execute(
            "select current_setting('memory_limit'), current_setting('threads'),"
            " current_setting('temp_directory')"
        ).fetchall() == [("61.0 MiB", 1, str(settings.build_spill_dir))]
    finally:
        con.close()


def test_a_view_over_the_raw_files_finds_them_in_the_data_root(settings):
    """The sources name the raw folder relative to the data root (Settings.dbt_env)."""
    con = connect_build(settings)
    try:
        [(definition,)] = con.execute(
            "select sql from duckdb_views() where view_name = 'stg_erp__products'"
        ).fetchall()
        rows = con.execute("select sku from staging.stg_erp__products").fetchall()
    finally:
        con.close()
    assert "'raw/erp/products/" in definition
    skus = {sku for (sku,) in rows}
    raw = pl.read_parquet(settings.raw_dir / "erp" / "products" / "*.parquet")
    assert skus == set(raw["sku"]) and len(skus) > 10

"""One connection over the build's two files, as dbt sees them."""

import threading

import duckdb
import polars as pl
import pytest

from c360.build_files import (
    apply_build_settings,
    connect_build,
    half_memory_limit,
    sharing_memory,
)
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


@pytest.mark.parametrize(
    ("limit", "half"),
    [("4GB", "2GB"), ("3GB", "1.5GB"), ("4GiB", "2GiB"), ("500 MB", "250MB"), ("1tb", "0.5tb")],
)
def test_half_a_memory_limit_keeps_its_unit(limit, half):
    assert half_memory_limit(limit) == half


@pytest.mark.parametrize("limit", ["80%", "", "-1", "4 gigabytes"])
def test_a_limit_that_is_not_a_plain_size_is_not_split(limit):
    assert half_memory_limit(limit) is None


def test_two_instances_in_one_process_share_the_build_limit(tmp_path):
    """The build's connection at half while a second instance, at the other half, works."""
    settings = Settings.from_env({"C360_HOME": str(tmp_path), "C360_BUILD_MEMORY_LIMIT": "2GB"})
    build, second = duckdb.connect(), duckdb.connect()
    limit = "select current_setting('memory_limit')"
    try:
        apply_build_settings(build, settings)
        with sharing_memory(build, settings):
            apply_build_settings(second, settings, half_memory_limit(settings.build_memory_limit))
            during = (build.execute(limit).fetchall()[0][0], second.execute(limit).fetchall()[0][0])
        after = build.execute(limit).fetchall()[0][0]
    finally:
        build.close()
        second.close()
    # DuckDB prints sizes in GiB: 1GB (10^9 bytes) is 953.6 MiB, 2GB 1.8 GiB.
    assert during == ("953.6 MiB", "953.6 MiB")
    assert after == "1.8 GiB"


def test_the_limit_comes_back_when_the_work_fails(tmp_path):
    settings = Settings.from_env({"C360_HOME": str(tmp_path), "C360_BUILD_MEMORY_LIMIT": "2GB"})
    con = duckdb.connect()
    try:
        apply_build_settings(con, settings)
        with pytest.raises(RuntimeError), sharing_memory(con, settings):
            raise RuntimeError("scoring failed")
        assert con.execute("select current_setting('memory_limit')").fetchone() == ("1.8 GiB",)
    finally:
        con.close()


def test_python_steps_take_turns_each_with_the_other_half(tmp_path):
    """int_clv_holdout and int_customer_clv on dbt's two threads: the second waits for the first."""
    settings = Settings.from_env({"C360_HOME": str(tmp_path), "C360_BUILD_MEMORY_LIMIT": "2GB"})
    con = duckdb.connect()
    limit = "select current_setting('memory_limit')"
    apply_build_settings(con, settings)
    events: list[str] = []
    first_in, first_may_leave = threading.Event(), threading.Event()

    def step(name: str, cursor: duckdb.DuckDBPyConnection) -> None:
        with sharing_memory(cursor, settings):
            events.append(f"{name} in at {cursor.execute(limit).fetchall()[0][0]}")
            if name == "first":
                first_in.set()
                first_may_leave.wait(timeout=10)
            events.append(f"{name} out")  # still holding: the next one is not in yet

    first = threading.Thread(target=step, args=("first", con.cursor()))
    second = threading.Thread(target=step, args=("second", con.cursor()))
    try:
        first.start()
        assert first_in.wait(timeout=10)
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive()  # waiting for the first step
        first_may_leave.set()
        first.join(timeout=10)
        second.join(timeout=10)
        after = con.execute(limit).fetchall()[0][0]
    finally:
        first_may_leave.set()
        con.close()
    assert events == [
        "first in at 953.6 MiB",
        "first out",
        "second in at 953.6 MiB",
        "second out",
    ]
    assert after == "1.8 GiB"

"""Publishing versions, the `current` pointer, pruning, rollback and the readers' sandbox."""

import duckdb
import pytest

from c360.publish import NothingToPublishError, list_versions, publish, rollback
from c360.refresh_lock import RefreshInProgressError, refresh_lock
from c360.serving import connect_readonly, published_version, resolve_current
from tests.conftest import settings_for


def build_with(settings, revenue: int) -> None:
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.build_db))
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists staging")
    con.execute("create or replace table marts.kpi as select ? as revenue", [revenue])
    con.execute("create or replace table staging.internal as select 1 as x")
    con.close()


@pytest.fixture
def settings(tmp_path, monkeypatch):
    return settings_for(tmp_path, monkeypatch)


def read_revenue(settings) -> int:
    con = connect_readonly(settings)
    try:
        return con.execute("select revenue from marts.kpi").fetchone()[0]
    finally:
        con.close()


def test_publish_copies_only_the_public_schemas_and_records_the_version(settings):
    build_with(settings, 10)
    publication = publish(settings)
    assert resolve_current(settings) == publication.path
    con = connect_readonly(settings)
    schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert "staging" not in schemas
    assert published_version(con)["version"] == publication.version
    con.close()
    assert publication.row_counts == {"marts.kpi": 1}


def test_readers_switch_to_a_new_version_only_when_it_is_published(settings):
    build_with(settings, 10)
    publish(settings)
    build_with(settings, 20)
    assert read_revenue(settings) == 10
    publish(settings)
    assert read_revenue(settings) == 20


def test_only_the_newest_versions_are_kept(settings, monkeypatch):
    monkeypatch.setenv("C360_KEEP_VERSIONS", "3")
    from c360.settings import Settings

    settings = Settings.from_env()
    for revenue in range(5):
        build_with(settings, revenue)
        publish(settings)
    versions = list_versions(settings)
    assert len(versions) == 3
    assert resolve_current(settings) == versions[-1]


def test_rollback_points_readers_at_the_previous_version(settings):
    for revenue in (1, 2):
        build_with(settings, revenue)
        publish(settings)
    rollback(settings)
    assert read_revenue(settings) == 1


def test_nothing_is_published_from_a_build_without_marts(settings):
    settings.build_db.parent.mkdir(parents=True)
    duckdb.connect(str(settings.build_db)).close()
    with pytest.raises(NothingToPublishError):
        publish(settings)
    assert list_versions(settings) == []


def test_readers_cannot_write_attach_or_read_files(settings):
    build_with(settings, 10)
    publish(settings)
    con = connect_readonly(settings)
    for statement in (
        "create table marts.x as select 1",
        f"attach '{settings.build_db}' as b",
        "select * from read_csv('/etc/hostname')",
        "set lock_configuration = false",
    ):
        with pytest.raises(duckdb.Error):
            con.execute(statement)
    con.close()


def test_a_second_refresh_fails_fast_while_one_holds_the_lock(settings):
    with (
        refresh_lock(settings.refresh_lock),
        pytest.raises(RefreshInProgressError, match="another refresh is running"),
        refresh_lock(settings.refresh_lock),
    ):
        pass
    with refresh_lock(settings.refresh_lock):
        pass

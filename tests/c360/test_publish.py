"""Publishing versions, the `current` pointer, pruning, rollback and the readers' sandbox."""

import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys

import duckdb
import pytest

from c360.personal_data import create_declarations
from c360.publish import (
    HISTORY_FILE,
    NothingToPublishError,
    list_versions,
    prune_versions,
    publish,
    served_versions,
)
from c360.refresh_lock import RefreshInProgressError, holds_refresh_lock, refresh_lock
from c360.rollback import rollback
from c360.serving import connect_readonly, published_version, resolve_current
from c360.settings import REPO_ROOT
from tests.conftest import settings_for


def build_with(settings, revenue: int) -> None:
    """Write what a build writes: internal schemas in the build file, public ones in theirs."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.build_db))
    con.execute(f"attach '{settings.public_db}' as public_marts")
    con.execute("create schema if not exists public_marts.marts")
    con.execute("create schema if not exists staging")
    con.execute("create or replace table public_marts.marts.kpi as select ? as revenue", [revenue])
    con.execute("create or replace table staging.internal as select 1 as x")
    con.execute("use public_marts")
    create_declarations(con)
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
    assert publication.row_counts == {"marts.kpi": 1, "quality.personal_data_columns": 0}


def test_descriptions_of_tables_and_columns_are_published_with_them(settings):
    build_with(settings, 10)
    con = duckdb.connect(str(settings.public_db))
    con.execute("comment on table marts.kpi is 'Headline KPIs, the analyst''s view'")
    con.execute("comment on column marts.kpi.revenue is 'Net revenue in EUR'")
    con.close()
    publish(settings)
    con = connect_readonly(settings)
    try:
        table = con.execute(
            "select comment from duckdb_tables() where table_name = 'kpi'"
        ).fetchone()[0]
        column = con.execute(
            "select comment from duckdb_columns() where table_name = 'kpi'"
        ).fetchone()[0]
    finally:
        con.close()
    assert (table, column) == ("Headline KPIs, the analyst's view", "Net revenue in EUR")


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
    with pytest.raises(NothingToPublishError, match="no built public database"):
        publish(settings)
    duckdb.connect(str(settings.public_db)).close()
    with pytest.raises(NothingToPublishError, match="no tables in schema marts"):
        publish(settings)
    assert list_versions(settings) == []
    # nor a temporary file left behind, of either file of the pair
    assert not [path for path in settings.serving_dir.rglob("*") if path.is_file()]


def test_a_write_ahead_log_left_beside_the_public_file_is_published_too(settings):
    build_with(settings, 10)
    con = duckdb.connect(str(settings.public_db))
    con.execute("set checkpoint_threshold = '1TB'")  # keep the change in the log only
    con.execute("update marts.kpi set revenue = 11")
    shutil.copyfile(settings.public_db, settings.public_db.with_suffix(".snapshot"))
    shutil.copyfile(f"{settings.public_db}.wal", f"{settings.public_db}.snapshot.wal")
    con.close()
    # As a build killed before closing would leave them: the file and its log.
    shutil.move(settings.public_db.with_suffix(".snapshot"), settings.public_db)
    shutil.move(f"{settings.public_db}.snapshot.wal", f"{settings.public_db}.wal")
    publish(settings)
    assert read_revenue(settings) == 11


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


HOLD_LOCK = """
import sys, time
from pathlib import Path
from c360.refresh_lock import refresh_lock
with refresh_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_second_refresh_fails_fast_and_a_killed_holder_leaves_no_stale_lock(settings):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(settings.refresh_lock)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(RefreshInProgressError, match=f"held by pid {holder.pid}"),
            refresh_lock(settings.refresh_lock),
        ):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert settings.refresh_lock.read_text() == str(holder.pid)  # no cleanup ran: it was killed
    with refresh_lock(settings.refresh_lock):  # the kernel released the flock with the process
        assert settings.refresh_lock.read_text() == str(os.getpid())


def test_the_refresh_lock_is_reentrant_within_one_process(settings):
    with refresh_lock(settings.refresh_lock):
        with refresh_lock(settings.refresh_lock):
            assert holds_refresh_lock(settings.refresh_lock)
        assert holds_refresh_lock(settings.refresh_lock)
    assert not holds_refresh_lock(settings.refresh_lock)


def test_leftovers_of_a_killed_publication_are_removed_and_never_rolled_back_to(settings):
    build_with(settings, 1)
    first = publish(settings)
    # What a publication killed before its switch leaves: a complete version never served, and
    # one killed earlier: a half-written temporary file.
    never_served = settings.serving_dir / "c360-20990101T000000000000Z.duckdb"
    shutil.copyfile(first.path, never_served)
    half_written = settings.serving_dir / f".{never_served.name}.abc.tmp"
    half_written.write_bytes(b"partial")
    assert rollback_target_names(settings) == []
    build_with(settings, 2)
    second = publish(settings)
    assert not never_served.exists()
    assert not half_written.exists()
    assert [v.name for v in list_versions(settings)] == [first.path.name, second.path.name]
    assert rollback(settings) == first.path
    assert read_revenue(settings) == 1


def rollback_target_names(settings) -> list[str]:
    current = resolve_current(settings).name
    served = served_versions(settings)
    return [v.name for v in list_versions(settings) if v.name < current and v.name in served]


def test_every_switch_of_current_is_recorded_in_the_history(settings):
    for revenue in (1, 2):
        build_with(settings, revenue)
        publish(settings)
    rollback(settings)
    history = [
        json.loads(line) for line in (settings.serving_dir / HISTORY_FILE).read_text().splitlines()
    ]
    versions = [v.name for v in list_versions(settings)]
    assert [(h["action"], h["version"]) for h in history] == [
        ("publish", versions[0]),
        ("publish", versions[1]),
        ("rollback", versions[0]),
    ]


def test_versions_published_before_the_history_existed_count_as_served(settings):
    for revenue in (1, 2):
        build_with(settings, revenue)
        publish(settings)
    (settings.serving_dir / HISTORY_FILE).unlink()
    assert served_versions(settings) == {v.name for v in list_versions(settings)}
    rollback(settings)
    assert read_revenue(settings) == 1


def c360(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "c360.cli", *args],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_status_and_rollback_work_end_to_end_on_a_built_company(built, tmp_path, monkeypatch):
    home = tmp_path / "c360"
    shutil.copytree(built, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    # The shared company holds one version, or more once another test refreshed it: keep the
    # current one only, so that it is the one to roll back to.
    prune_versions(dataclasses.replace(settings, keep_versions=1))
    first = resolve_current(settings)
    first_version = first.name.removeprefix("c360-").removesuffix(".duckdb")
    with refresh_lock(settings.refresh_lock):
        second = publish(settings)

    status = c360("status")
    assert status.returncode == 0, status.stderr
    assert f"published version  {second.version}" in status.stdout
    assert "last refresh       SUCCEEDED" in status.stdout
    assert "failed 0" in status.stdout
    dim_customers = second.row_counts["marts.dim_customers"]
    assert re.search(rf"\nmarts\.dim_customers +{dim_customers}\n", status.stdout)

    back = c360("rollback")
    assert back.returncode == 0, back.stderr
    assert back.stdout.strip() == f"current version is now {first.name}"
    assert f"published version  {first_version}" in c360("status").stdout
    version = c360("sql", "select version from meta.publication", "--format", "csv")
    assert version.stdout.splitlines() == ["version", first_version]

    again = c360("rollback")
    assert again.returncode == 1
    assert "no earlier published version to roll back to" in again.stderr
    assert resolve_current(settings) == first

"""The instance's storage keeps one engine and connection per event-log database and stores what
Dagster's does.

The instance is the one `c360 refresh` makes: the project's `dagster.yaml` in a DAGSTER_HOME. Its
files are Dagster's default SQLite ones, so Dagster's own storage reads what it wrote and the other
way round (a data root made before the change, or opened by a Dagster without this module).
"""

import os
import shutil
import sqlite3
import threading
from collections import Counter
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as db
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project import instance_storage
from dagster_project.instance_storage import KeptEngineSqliteEventLogStorage
from dagster_project.run_refresh import DAGSTER_YAML

ASSETS = 5
ASSET_EVENT_TYPES = frozenset(
    {
        "ASSET_MATERIALIZATION_PLANNED",
        "ASSET_CHECK_EVALUATION_PLANNED",
        "STEP_OUTPUT",
        "ASSET_MATERIALIZATION",
        "ASSET_CHECK_EVALUATION",
    }
)
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dg.multi_asset(
    specs=[dg.AssetSpec(f"table_{i}") for i in range(ASSETS)],
    check_specs=[dg.AssetCheckSpec("not_empty", asset=f"table_{i}") for i in range(ASSETS)],
)
def tables():
    """A dbt build in miniature: each table materialized, then its test."""
    for i in range(ASSETS):
        yield dg.MaterializeResult(asset_key=f"table_{i}", metadata={"rows": i})
        yield dg.AssetCheckResult(asset_key=f"table_{i}", check_name="not_empty", passed=i > 0)


JOB = dg.define_asset_job("tables").resolve(
    asset_graph=dg.Definitions(assets=[tables]).resolve_asset_graph()
)


@pytest.fixture
def project_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A DAGSTER_HOME with the project's `dagster.yaml`, as `prepare_dagster_home` makes it."""
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def _run(instance: dg.DagsterInstance) -> str:
    result = JOB.execute_in_process(instance=instance, run_config=QUIET, raise_on_error=False)
    assert result.success
    return result.run_id


def _stored(storage, run_id: str) -> tuple[list[str], int | None, list[bool]]:
    """What a reader sees of a run: its asset events' types, table_3's rows, the checks' results."""
    types = sorted(
        r.dagster_event.event_type_value
        for r in storage.get_logs_for_run(run_id)
        if r.dagster_event is not None and r.dagster_event.event_type_value in ASSET_EVENT_TYPES
    )
    latest = storage.get_latest_materialization_events([dg.AssetKey("table_3")])
    rows = latest[dg.AssetKey("table_3")].asset_materialization.metadata["rows"].value
    checks = [
        storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey(f"table_{i}"), "not_empty"), limit=1
        )[0].event.dagster_event.event_specific_data.passed
        for i in range(ASSETS)
    ]
    return types, rows, checks


# each table's and each check's planned event, output and materialization or evaluation
EXPECTED_TYPES = sorted(
    [
        "ASSET_MATERIALIZATION_PLANNED",
        "ASSET_CHECK_EVALUATION_PLANNED",
        "STEP_OUTPUT",
        "ASSET_MATERIALIZATION",
        "STEP_OUTPUT",
        "ASSET_CHECK_EVALUATION",
    ]
    * ASSETS
)


def test_the_project_instance_keeps_one_engine_per_database_through_a_run(
    project_home, monkeypatch
):
    made: list[str] = []
    create_engine = instance_storage.create_engine

    def counted(url, **kwargs):
        made.append(str(url))
        return create_engine(url, **kwargs)

    monkeypatch.setattr(instance_storage, "create_engine", counted)
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, KeptEngineSqliteEventLogStorage)
        run_id = _run(instance)
        types, rows, checks = _stored(storage, run_id)

    # every event written into the run's file, the asset ones into the index too: two engines,
    # where Dagster's storage makes one per write
    assert sorted(Path(url.split("///")[-1]).name for url in made) == [f"{run_id}.db", "index.db"]
    assert types == EXPECTED_TYPES
    assert rows == 3
    assert checks == [False, True, True, True, True]


def test_dagster_own_storage_and_the_kept_engine_one_read_each_others_runs(project_home):
    with dg.DagsterInstance.get() as instance:
        kept_run = _run(instance)
    # Dagster's default storage on the same folder: the project's settings without `storage:`, as
    # a Dagster without this module (or a dagster.yaml written before it) opens the data root
    plain_yaml = project_home / "plain.yaml"
    settings = yaml.safe_load(DAGSTER_YAML.read_text())
    del settings["storage"]
    plain_yaml.write_text(yaml.safe_dump(settings))
    ref = InstanceRef.from_dir(str(project_home), config_filename=plain_yaml.name)
    with dg.DagsterInstance.from_ref(ref) as plain_instance:
        assert type(plain_instance.event_log_storage) is SqliteEventLogStorage
        plain_run = _run(plain_instance)
        seen_by_plain = _stored(plain_instance.event_log_storage, kept_run)
    with dg.DagsterInstance.get() as instance:
        seen_by_kept = _stored(instance.event_log_storage, plain_run)
        runs = {run.run_id for run in instance.get_runs()}
    assert seen_by_plain[0] == seen_by_kept[0]
    assert seen_by_kept[0] == EXPECTED_TYPES
    assert seen_by_plain[1:] == seen_by_kept[1:] == (3, [False, True, True, True, True])
    assert runs == {kept_run, plain_run}


def test_engines_beyond_the_bound_are_let_go_and_their_runs_stay_readable(
    project_home, monkeypatch
):
    monkeypatch.setattr(instance_storage, "KEPT_ENGINES", 2)
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        run_ids = [_run(instance) for _ in range(3)]
        kept = list(storage._engines)
        # the oldest run's engine was let go; reading it makes one again, within the bound
        first_run_events = storage.get_logs_for_run(run_ids[0])
        kept_after_read = list(storage._engines)

    assert set(kept) == {"index", run_ids[2]}
    assert len(first_run_events) == len(storage.get_logs_for_run(run_ids[2])) > 4 * ASSETS
    assert len(kept_after_read) == 2
    assert kept_after_read[-1] == run_ids[0]


def test_a_run_opens_one_connection_per_database_and_a_copy_of_its_files_holds_every_event(
    project_home, monkeypatch, tmp_path
):
    opened: list[str] = []
    create_engine = instance_storage.create_engine

    def counted(url, **kwargs):
        engine = create_engine(url, **kwargs)
        name = Path(str(url).split("///")[-1]).name
        db.event.listen(engine, "connect", lambda *_: opened.append(name))
        return engine

    monkeypatch.setattr(instance_storage, "create_engine", counted)
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        run_id = _run(instance)
        stored = len(storage.get_logs_for_run(run_id))
        with storage._engine(run_id).connect() as conn:
            [(synchronous,)] = conn.exec_driver_sql("PRAGMA synchronous").fetchall()
        # copied while the run's connection is still open, as a data root is copied whole:
        # the events not yet checkpointed into the `.db` file are in its `.db-wal` beside it
        run_file = Path(storage.path_for_shard(run_id))
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{run_file}{suffix}", tmp_path / f"copy.db{suffix}")
        with sqlite3.connect(tmp_path / "copy.db") as copy:
            [(in_copy,)] = copy.execute("select count(*) from event_logs").fetchall()

    # Dagster's storage opens a connection for every write (about forty in this run); here each
    # file's connections are opened once: the writes' and the one for Dagster's `has_table`
    assert set(opened) == {f"{run_id}.db", "index.db"}
    assert max(Counter(opened).values()) <= instance_storage.KEPT_CONNECTIONS
    assert in_copy == stored > 6 * ASSETS
    assert synchronous == 1  # NORMAL: commits are not flushed to disk one by one


def test_a_watcher_of_a_run_sees_each_new_event_although_it_is_in_the_log_only(project_home):
    """What the UI relies on to stream a running run's events: Dagster's watcher of the file."""
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        run_id = _run(instance)
        seen: list[str] = []
        arrived = threading.Event()

        def callback(entry, _cursor):
            seen.append(entry.dagster_event.message)
            arrived.set()

        storage.watch(run_id, storage.get_records_for_run(run_id).cursor, callback)
        instance.report_engine_event("a late word on the run", instance.get_run_by_id(run_id))
        arrived.wait(timeout=20)
        storage.end_watch(run_id, callback)

    assert seen == ["a late word on the run"]


def test_a_forked_child_opens_its_own_connections(project_home):
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        run_id = _run(instance)
        events = len(storage.get_logs_for_run(run_id))
        open_before = sum(engine.pool.checkedin() for engine in storage._engines.values())
        child = os.fork()
        if child == 0:  # the child: none of the parent's connections, and it reads the run
            inherited = sum(engine.pool.checkedin() for engine in storage._engines.values())
            os._exit(0 if inherited == 0 and len(storage.get_logs_for_run(run_id)) == events else 1)
        _, status = os.waitpid(child, 0)
        # the parent's own connections were not closed under it by the child
        kept = sum(engine.pool.checkedin() for engine in storage._engines.values())
        assert len(storage.get_logs_for_run(run_id)) == events
    assert os.waitstatus_to_exitcode(status) == 0
    assert kept == open_before > 0


def test_the_project_instance_queues_one_run_and_looks_at_the_queue_every_second(project_home):
    """Dagster refuses some `run_queue` keys beside `concurrency > runs`: the file must load."""
    instance = dg.DagsterInstance.get()
    coordinator = instance.run_coordinator
    assert type(coordinator).__name__ == "QueuedRunCoordinator"
    assert coordinator.dequeue_interval_seconds == 1
    assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1

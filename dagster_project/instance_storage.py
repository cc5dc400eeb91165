"""Dagster's SQLite instance storage, with the event log's engines and connections kept.

Why: Dagster stores every event of a run as it happens (a refresh of the 60-customer test company
stores about 1,100: each dbt model's planned, output and materialization events, each test's
three), and its SQLite event log builds a new SQLAlchemy engine for every write
(`SqliteEventLogStorage._connect`), opens a new SQLite connection on it and closes both after the
write: 3,755 engines in one such refresh. SQLAlchemy keeps its cache of compiled statements on the
engine, so every insert was compiled anew; every new connection reads the database's schema
again; and closing the file's last connection checkpoints the write-ahead log and deletes it, so
the next write creates it again. On this machine's disk, storing the events of a run of 200
assets with a check each (1,209 events) took 57-73 s of wall time and 23 s of CPU, almost all in
SQLite's commit, close and open.

`KeptEngineSqliteEventLogStorage` keeps one engine per database file (the run's and the index),
the most recently used `KEPT_ENGINES` of them, each with its connections kept open between writes.
The same 1,209 events: 12-14 s wall and 10-12 s CPU.

Each commit then still paid two flushes to disk: the write-ahead log's (SQLite's default
`synchronous=FULL`) and the database file's, when the log was checkpointed into it after every
write so that Dagster's event watchers, which watched the `.db` file, saw each event. In a profile
of `c360 refresh --force` of the 60-customer test company, the refresh process spent 8 of its 32
sampled seconds committing and 6 checkpointing. So the connections run with
`synchronous=NORMAL`, which SQLite documents as safe from corruption in write-ahead-log mode: a
commit survives the process being killed, and only a power cut or an operating-system crash can
roll back the last commits. The log is checkpointed by SQLite itself as it grows and when the last
connection closes, and the watchers watch the log as well as the file (`watch`). A data root
copied whole (its `.db` and `.db-wal` files together) holds every event. The files and their
layout under `DAGSTER_HOME` are Dagster's default ones, so an instance made with Dagster's own
SQLite storage reads on unchanged.

A forked child never uses its parent's open connections (SQLite forbids it): they are forgotten in
the child, which opens its own.

Configured in `dagster_project/dagster.yaml` as the instance's `storage`.
"""

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster._core.event_api import EventHandlerFn
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from watchdog.events import FileSystemEvent, PatternMatchingEventHandler
from watchdog.observers import Observer

# A run writes two files (its own and the index); a UI or daemon reads a few runs at a time. Each
# kept engine holds up to `KEPT_CONNECTIONS` SQLite connections (file handles) open.
KEPT_ENGINES = 16
# Writes take Dagster's lock, so one connection a file serves them; Dagster asks the index's
# `has_table` while it holds that one (every asset check event), so a second is kept for it. More
# are opened only for their duration (readers on other threads at the same time).
KEPT_CONNECTIONS = 2
OVERFLOW_CONNECTIONS = 4

_LIVE_STORAGES: "weakref.WeakSet[KeptEngineSqliteEventLogStorage]" = weakref.WeakSet()


def _forget_inherited_connections() -> None:
    """In a forked child: drop the parent's pooled connections unclosed (SQLAlchemy's recipe)."""
    for storage in list(_LIVE_STORAGES):
        for engine in storage._engines.values():
            engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)


class KeptEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite event log, one engine and its connections kept per file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, db.engine.Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        super().__init__(base_dir, inst_data)
        _LIVE_STORAGES.add(self)

    def _engine(self, shard: str) -> db.engine.Engine:
        """The shard's engine, made on first use; the least recently used beyond the bound goes."""
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    pool_size=KEPT_CONNECTIONS,
                    max_overflow=OVERFLOW_CONNECTIONS,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                db.event.listen(engine, "connect", _flush_at_checkpoints_only)
                self._engines[shard] = engine
                while len(self._engines) > KEPT_ENGINES:
                    self._engines.popitem(last=False)[1].dispose()
            self._engines.move_to_end(shard)
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.engine.Connection]:
        """Dagster's `_connect` (its lock, first-use set-up, one transaction) on the kept engine.

        The commit flushes nothing to disk: the connection's `synchronous=NORMAL` (the module).
        """
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def watch(self, run_id: str, cursor: str | None, callback: EventHandlerFn) -> None:
        """Dagster's watch of a run's events, firing when its log changes as well as its file.

        Dagster's watcher reads the run's new events when its `.db` file changes; commits here go
        to the `.db-wal` file, and reach the `.db` file only at a checkpoint.
        """
        if not self._obs:
            self._obs = Observer()
            self._obs.start()
        watchdog = RunLogWatchdog(self, run_id, callback, cursor)
        self._watchers[run_id][callback] = (
            watchdog,
            self._obs.schedule(watchdog, self._base_dir, recursive=True),
        )

    def has_table(self, table_name: str) -> bool:
        """Dagster's check, asked on every asset check event, on the index's kept engine.

        Dagster's own makes an engine and opens the file for each call.
        """
        engine = self._engine(INDEX_SHARD_NAME)
        with engine.connect() as conn:
            return bool(engine.dialect.has_table(conn, table_name))

    def dispose(self) -> None:
        """Stop Dagster's file watchers and close the kept engines and their connections."""
        super().dispose()
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


class RunLogWatchdog(SqliteEventLogStorageWatchdog):
    """Dagster's watchdog of a run's `.db` file, matching its write-ahead log too."""

    def __init__(self, storage: SqliteEventLogStorage, run_id: str, *args: Any) -> None:
        super().__init__(storage, run_id, *args)
        log = self._log_path
        PatternMatchingEventHandler.__init__(self, patterns=[log, f"{log}-wal"])

    def on_modified(self, event: FileSystemEvent) -> None:
        """Read the run's new events (Dagster's asserts the path is the `.db` file's)."""
        self._process_log()


def _flush_at_checkpoints_only(dbapi_connection: Any, _record: Any) -> None:
    """`synchronous=NORMAL` on a new SQLite connection: commits are not flushed, checkpoints are."""
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class KeptEngineSqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage (runs, schedules, event log) with the kept-engine event log.

    `base_dir` is the instance's folder, as for Dagster's own `storage: sqlite:`.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = KeptEngineSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]
    ) -> "KeptEngineSqliteStorage":
        """Dagster's hook that builds the storage from `dagster.yaml` (its own names this class)."""
        return cls.from_local(inst_data=inst_data, **config_value)

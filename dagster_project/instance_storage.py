"""Dagster's SQLite instance storage, with the event log's database engines kept between writes.

Why: Dagster stores every event of a run as it happens (a refresh of the 60-customer test company
stores about 1,100: each dbt model's planned, output and materialization events, each test's
three), and its SQLite event log builds a new SQLAlchemy engine for every write
(`SqliteEventLogStorage._connect`): 3,755 engines in one such refresh. SQLAlchemy keeps its cache
of compiled statements on the engine, so every insert was compiled anew as well; in a profile of
that refresh, storing events took 26 of 70 seconds, a third of it building engines and compiling.

`KeptEngineSqliteEventLogStorage` keeps one engine per database file (the run's and the index),
the most recently used `KEPT_ENGINES` of them, and changes nothing else: the engines still use
`NullPool`, so each write opens, commits and closes its own connection as before, and the other
processes that share the files (the daemon, the UI, a second refresh) see the same database
behaviour. The files and their layout under `DAGSTER_HOME` are Dagster's default ones, so an
instance made with Dagster's own SQLite storage reads on unchanged.

Configured in `dagster_project/dagster.yaml` as the instance's `storage`.
"""

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy.pool import NullPool

# A run writes two files (its own and the index); a UI or daemon reads a few runs at a time. An
# engine without pooled connections holds no file open: the bound only caps memory.
KEPT_ENGINES = 16


class KeptEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite event log, one engine kept per database file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._engines: OrderedDict[str, db.engine.Engine] = OrderedDict()

    def _engine(self, shard: str) -> db.engine.Engine:
        """The shard's engine, made on first use; the least recently used beyond the bound goes."""
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=NullPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            self._engines[shard] = engine
            while len(self._engines) > KEPT_ENGINES:
                self._engines.popitem(last=False)[1].dispose()
        self._engines.move_to_end(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.engine.Connection]:
        """Dagster's `_connect` (its lock, first-use set-up, one transaction) on the kept engine."""
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        """Stop Dagster's file watchers and let go of the kept engines."""
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


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

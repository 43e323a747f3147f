"""Dagster's SQLite storage for this project's instance (dagster.yaml, `storage: custom:`),
with one change: the event log keeps its database connections open.

Dagster's `SqliteEventLogStorage` makes a new SQLAlchemy engine and connection for every
write and drops it after (`NullPool`), about five per stored event: the run's database, the
index of asset and check events, the check's own tables. A `qm run` stores about 1,500
events (each model's and check's planned, output and result events), and opening the
connections was most of their cost: measured, 10.9 ms per event, 2.0 ms with the engines
kept (a run of the generated sample spent 12 of its 55 s storing events).

Everything else is Dagster's own: the same files (`<DAGSTER_HOME>/history`, `schedules`),
tables, migrations and locking. Writes from other processes (the daemon, the webserver) go
through SQLite's file locks as before: a kept connection holds no lock between
transactions. Access within this process is serialised by the storage's own lock, as in
Dagster's, so one connection per database serves every thread.
"""

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

# Databases kept open at once (a run's own and the index; a webserver reads many runs).
KEPT_ENGINES = 16


class KeptConnectionsEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage with one engine (one connection) kept per database file, the
    least recently used closed beyond KEPT_ENGINES."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=StaticPool,  # one connection, used under self._db_lock only
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > KEPT_ENGINES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as connection, connection.begin():
                yield connection

    def _close_all(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_all()  # before Dagster deletes the files
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()


class SqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage under `base_dir`, its event log keeping connections
    (KeptConnectionsEventLogStorage)."""

    def __init__(self, base_dir: str, inst_data=None):
        super().__init__(base_dir, inst_data=inst_data)
        self._event_log_storage = KeptConnectionsEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> "SqliteStorage":
        return cls.from_local(inst_data=inst_data, **config_value)

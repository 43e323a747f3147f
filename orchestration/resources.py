"""The warehouse resource: where the pipeline reads exports and which DuckDB file it writes."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from orchestration import settings
from orchestration.run_lock import RunLock, acquire


def build_database(path: Path) -> DuckDBResource:
    """dagster-duckdb's resource on the build file. It always opens read-write: the writing
    pipeline only; dashboards and analysts open the published file read-only themselves."""
    return DuckDBResource(
        database=str(path), connection_config={"memory_limit": settings.pipeline_memory_limit()}
    )


class WarehouseResource(dg.ConfigurableResource):
    """Paths of the landing folder, the published file (served) and the validation results,
    and the build file (written) as a dagster-duckdb resource.

    In a run it holds the build file's run lock (orchestration.run_lock) from before the
    first step to after the last: the definitions use the in-process executor, so resources
    are set up once per run, in the run's process, and torn down when the run ends (failed
    or not); a process killed in between loses the lock with it. Outside a run (a sensor or
    a schedule building its resources) no lock is taken.
    """

    landing_dir: str
    published_path: str
    validation_dir: str
    database: DuckDBResource

    _run_lock: RunLock | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.dagster_run is None:
            return
        # RunRefused (another run holds the lock, the folder is not writable) fails the run
        # here, before any step, with its one-line message.
        self._run_lock = acquire(Path(self.build_path), context.dagster_run.run_id)
        if self._run_lock.takeover_message and context.log:
            context.log.warning(self._run_lock.takeover_message)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._run_lock is not None:
            self._run_lock.release()
            self._run_lock = None

    @classmethod
    def from_settings(cls) -> "WarehouseResource":
        return cls(
            landing_dir=str(settings.landing_dir()),
            published_path=str(settings.published_warehouse()),
            validation_dir=str(settings.validation_dir()),
            database=build_database(settings.build_warehouse()),
        )

    @property
    def build_path(self) -> str:
        return self.database.database

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived read-write connection to the build file (one writer at a time)."""
        Path(self.build_path).parent.mkdir(parents=True, exist_ok=True)
        with self.database.get_connection() as connection:
            try:
                # Not in connection_config: DuckDB loads the ICU extension the setting needs
                # only once connected.
                connection.execute("set TimeZone = 'UTC'")
                yield connection
            finally:
                # DuckDBResource closes only when the block ends without an error; a failed
                # step must not keep the file locked either.
                connection.close()

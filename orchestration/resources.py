"""The warehouse resource: where the pipeline reads exports and which DuckDB file it writes."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import settings


class WarehouseResource(dg.ConfigurableResource):
    """Paths of the landing folder, the build file (written) and the published file (served)."""

    landing_dir: str
    build_path: str
    published_path: str
    validation_dir: str

    @classmethod
    def from_settings(cls) -> "WarehouseResource":
        return cls(
            landing_dir=str(settings.landing_dir()),
            build_path=str(settings.build_warehouse()),
            published_path=str(settings.published_warehouse()),
            validation_dir=str(settings.validation_dir()),
        )

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived read-write connection to the build file (one writer at a time)."""
        path = Path(self.build_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(path))
        try:
            connection.execute("set TimeZone = 'UTC'")
            yield connection
        finally:
            connection.close()

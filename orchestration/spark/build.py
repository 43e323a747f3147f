"""`qm spark`: the warehouse's dbt project built on a local Apache Spark.

1. The raw layer of a built DuckDB file (schema `raw`, the contract-checked exports) is
   exported as Parquet, one folder per table: `<folder>/raw/<table>/part-0.parquet`.
2. dbt runs in this process on the `spark` target of profiles.yml (dbt-spark, `session`
   method, `local[2]`), its managed tables under `<folder>/warehouse`: the seeds, then the
   models of the `spark` selector (selectors.yml): every model that has a Spark twin.
3. Optionally every table built is compared with the same table of the DuckDB file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.spark.compare import Difference, compare_builds


def export_raw(warehouse: Path, folder: Path) -> list[str]:
    """Every table of the raw schema as Parquet under `folder`; their names."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw' order by 1"
            ).fetchall()
        ]
        for table in tables:
            target = folder / table
            target.mkdir(parents=True, exist_ok=True)
            con.execute(f"copy raw.{table} to '{target / 'part-0.parquet'}' (format parquet)")
        return tables
    finally:
        con.close()


def spark_environment(folder: Path) -> dict[str, str]:
    """What profiles.yml's `spark` target reads: the raw Parquet and the Spark warehouse."""
    return {
        "QM_SPARK_RAW": str(folder / "raw"),
        "QM_SPARK_WAREHOUSE": str(folder / "warehouse"),
        # Spark's Python workers (turn sentiment's mapInArrow) run this interpreter, with
        # its NumPy and Arrow, not whatever `python3` is first on PATH.
        "PYSPARK_PYTHON": os.environ.get("PYSPARK_PYTHON", sys.executable),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }


def built_tables(folder: Path) -> list[tuple[str, str]]:
    """(schema, table) of every table the Spark build wrote, the raw layer aside."""
    warehouse = folder / "warehouse"
    return sorted(
        (schema.name.removesuffix(".db"), table.name)
        for schema in warehouse.glob("*.db")
        if schema.name != "raw.db"
        for table in schema.iterdir()
        if table.is_dir()
    )


def build_on_spark(warehouse: Path, folder: Path, compare: bool = False) -> Iterator[str]:
    """Export, build, and (with `compare`) compare; yields progress lines. Raises
    RuntimeError when dbt fails or a table differs."""
    from orchestration.spark.dbt_on_spark import run_dbt

    folder = folder.resolve()
    tables = export_raw(warehouse, folder / "raw")
    yield f"raw layer: {len(tables)} tables exported to {folder / 'raw'}"
    os.environ.update(spark_environment(folder))
    options = {
        "--project-dir": settings.DBT_PROJECT_DIR,
        "--profiles-dir": settings.DBT_PROJECT_DIR,
        "--target": "spark",
        "--target-path": folder / "dbt" / "target",
        "--log-path": folder / "dbt" / "logs",
    }
    common = [str(part) for option in options.items() for part in option]
    for step in (["seed", "--full-refresh"], ["run", "--full-refresh", "--selector", "spark"]):
        if not run_dbt([*step, *common]):
            raise RuntimeError(f"dbt {step[0]} on Spark failed (log: {folder / 'dbt' / 'logs'})")
        yield f"dbt {step[0]} on Spark: ok"
    built = built_tables(folder)
    yield f"Spark warehouse: {len(built)} tables under {folder / 'warehouse'}"
    if compare:
        differences: list[Difference] = compare_builds(warehouse, folder / "warehouse", built)
        for difference in differences:
            yield f"differs: {difference.table}: {difference.reason}"
        if differences:
            raise RuntimeError(f"{len(differences)} of {len(built)} tables differ from DuckDB's")
        yield f"compared with {warehouse}: all {len(built)} tables equal"

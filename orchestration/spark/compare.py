"""Whether the tables dbt built on Spark hold what the DuckDB build holds.

Spark writes each table as Parquet under its warehouse folder (`<schema>.db/<table>`); DuckDB
reads those files beside the DuckDB file. Two tables are equal when they have the same
columns and the same rows as a multiset, numbers equal to `tolerance` (absolute, or relative
beyond 1): rows are sorted on every column (numbers rounded to 6 decimals for the order)
and compared in that order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Difference:
    table: str
    reason: str


def spark_table_folder(spark_warehouse: Path, schema: str, table: str) -> Path:
    return spark_warehouse / f"{schema}.db" / table


def _ordered_rows(con: duckdb.DuckDBPyConnection, relation: str, columns: list[tuple[str, str]]):
    order = ", ".join(
        f'round("{name}", 6)'
        if kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL")
        else f'"{name}"'
        for name, kind in columns
    )
    select = ", ".join(
        f'cast("{name}" as timestamp)' if kind == "TIMESTAMP WITH TIME ZONE" else f'"{name}"'
        for name, kind in columns
    )
    return con.execute(f"select {select} from {relation} order by {order}").fetchall()


def _close(left, right, tolerance: float) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        if left is None or right is None:
            return left is right
        left, right = float(left), float(right)
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return abs(left - right) <= tolerance * max(1.0, abs(left), abs(right))
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            _close(a, b, tolerance) for a, b in zip(left, right, strict=True)
        )
    return left == right


def compare_table(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    spark_folder: Path,
    tolerance: float = 1e-9,
) -> Difference | None:
    """The first way the Spark table differs from the DuckDB one, or None."""
    name = f"{schema}.{table}"
    files = sorted(spark_folder.glob("*.parquet"))
    if not files:
        return Difference(name, "no Parquet files on the Spark side")
    spark = f"read_parquet('{spark_folder}/*.parquet')"
    duck_columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? order by column_index",
        [schema, table],
    ).fetchall()
    spark_types = {
        column: kind
        for column, kind, *_ in con.execute(f"describe select * from {spark}").fetchall()
    }
    if sorted(name for name, _ in duck_columns) != sorted(spark_types):
        missing = {c for c, _ in duck_columns} ^ set(spark_types)
        return Difference(name, f"columns differ: {sorted(missing)}")
    spark_columns = [(column, spark_types[column]) for column, _ in duck_columns]
    duck_rows = _ordered_rows(con, f'"{schema}"."{table}"', duck_columns)
    spark_rows = _ordered_rows(con, spark, spark_columns)
    if len(duck_rows) != len(spark_rows):
        return Difference(name, f"{len(duck_rows)} rows on DuckDB, {len(spark_rows)} on Spark")
    for number, (left, right) in enumerate(zip(duck_rows, spark_rows, strict=True)):
        for (column, _), a, b in zip(duck_columns, left, right, strict=True):
            if not _close(a, b, tolerance):
                return Difference(name, f"row {number} (sorted), {column}: {a!r} against {b!r}")
    return None


def compare_builds(
    duckdb_file: Path,
    spark_warehouse: Path,
    tables: list[tuple[str, str]],
    tolerance: float = 1e-9,
) -> list[Difference]:
    """Every (schema, table) compared; the differences found."""
    con = duckdb.connect(str(duckdb_file), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        differences = []
        for schema, table in tables:
            folder = spark_table_folder(spark_warehouse, schema, table)
            if difference := compare_table(con, schema, table, folder, tolerance):
                differences.append(difference)
        return differences
    finally:
        con.close()

"""What a dbt Python model reads, the same on both engines.

On DuckDB `dbt.ref(...)` is a DuckDB relation; on Spark it is a Spark DataFrame, which
`local_relation` brings to the driver as Arrow and wraps in a DuckDB relation, so a model's
own code (relational steps, then Arrow, NumPy or pandas) is one code for both engines. The
model's input then has to fit in the driver's memory: fine for the aggregates the Python
models read. The one model that reads every transcript turn, turn sentiment, keeps them on
Spark's executors instead (`is_spark_frame`, then its batch function in `mapInArrow`).
"""

from __future__ import annotations

from typing import Any

import duckdb


def local_relation(reference: Any) -> duckdb.DuckDBPyRelation:
    """A DuckDB relation of a dbt ref, from either engine."""
    if isinstance(reference, duckdb.DuckDBPyRelation):
        return reference
    return duckdb.connect().from_arrow(reference.toArrow())


def is_spark_frame(reference: Any) -> bool:
    """True for a dbt ref on Spark (a DataFrame), False for DuckDB's relation."""
    return not isinstance(reference, duckdb.DuckDBPyRelation)

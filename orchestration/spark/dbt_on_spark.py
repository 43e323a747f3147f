"""Run dbt on the `spark` target in this process, Python models included.

dbt-spark runs Python models only on Databricks clusters (its submission methods call the
Databricks API). With the `session` method dbt already holds a local Spark session in this
process, so the `session` submission method added here runs a model's compiled code in that
session: `spark` is the session, the code ends by writing the model's table
(`py_write_table`, overridden in macros/cross_db/spark_python_models.sql to write Parquet).
"""

from __future__ import annotations

import sys
from typing import Any


class SessionPythonJobHelper:
    """Runs a compiled dbt Python model in this process's Spark session."""

    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.name = parsed_model["alias"]

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()
        code = compile(compiled_code, f"<dbt python model {self.name}>", "exec")
        exec(code, {"spark": spark, "__name__": f"dbt_model_{self.name}"})  # noqa: S102


def add_session_submission() -> None:
    """Offer `submission_method: session` to dbt-spark's adapter (idempotent)."""
    from dbt.adapters.spark.impl import SparkAdapter

    helpers = SparkAdapter.python_submission_helpers.fget
    if getattr(helpers, "with_session", False):
        return

    def with_session(self: SparkAdapter) -> dict:
        return {**helpers(self), "session": SessionPythonJobHelper}

    with_session.with_session = True  # type: ignore[attr-defined]
    SparkAdapter.python_submission_helpers = property(with_session)


def run_dbt(arguments: list[str]) -> bool:
    """`dbt <arguments>` in this process with the session submission method; True on success."""
    from dbt.cli.main import dbtRunner

    add_session_submission()
    return dbtRunner().invoke(arguments).success


if __name__ == "__main__":
    sys.exit(0 if run_dbt(sys.argv[1:]) else 1)

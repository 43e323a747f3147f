"""The dbt project built on a local Apache Spark from the published warehouse's raw layer
(`qm spark`), as a Dagster asset with a job of its own, `build_on_spark`.

It is not part of `build_and_publish`: it reads the published file and writes only under its
folder (`data/spark` by default), so it runs when someone asks for it (the UI's Materialize,
`dagster job launch -j build_on_spark`) or on a schedule of its own, never holding up a publish.
`qm spark` runs in a child process: Spark's JVM, dbt's in-process runner and the environment
profiles.yml reads stay out of the Dagster process.
"""

import subprocess
import sys
from pathlib import Path

import dagster as dg

from orchestration import settings
from orchestration.spark.build import built_tables


class SparkBuildConfig(dg.Config):
    # The DuckDB file whose raw layer is exported (empty: the published warehouse).
    warehouse: str = ""
    # Where the raw Parquet, Spark's tables and dbt's files go (empty: data/spark).
    folder: str = ""
    # Compare every table with the DuckDB file's (numbers to 1e-9): the step fails if one
    # differs. Off once Spark is the only engine that can hold the data.
    compare: bool = True


@dg.asset(
    key="spark_warehouse",
    group_name="scale_out",
    deps=["published_warehouse"],
    kinds={"spark", "dbt", "parquet"},
    description=(
        "The dbt project's `spark` selector built on a local Apache Spark (dbt-spark, session"
        " method) from the published warehouse's raw layer exported as Parquet, and compared"
        " with the DuckDB build (`qm spark --compare`)."
    ),
)
def spark_warehouse(context: dg.AssetExecutionContext, config: SparkBuildConfig):
    warehouse = Path(config.warehouse) if config.warehouse else settings.published_warehouse()
    folder = Path(config.folder) if config.folder else settings.spark_dir()
    command = [sys.executable, "-m", "orchestration.cli", "spark",
               "--warehouse", str(warehouse), "--folder", str(folder),
               *(["--compare"] if config.compare else [])]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    errors = folder / "qm_spark.stderr.log"  # Spark's and dbt's own logging, and qm's error
    with (
        errors.open("w") as stderr,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True) as child,
    ):
        for line in child.stdout:  # qm spark's progress lines, as they come
            context.log.info(line.rstrip())
    if child.returncode != 0:
        said = [line for line in errors.read_text().splitlines() if line.startswith("qm spark:")]
        raise dg.Failure(
            description=(said or ["qm spark failed"])[-1], metadata={"log": str(errors)}
        )
    metadata = {
        "folder": str(folder.resolve() / "warehouse"),
        "tables": len(built_tables(folder.resolve())),
    }
    if config.compare:  # a difference would have failed the step
        metadata["equal_to"] = str(warehouse)
    return dg.MaterializeResult(metadata=metadata)


build_on_spark = dg.define_asset_job(
    "build_on_spark",
    selection=dg.AssetSelection.assets(spark_warehouse),
    description="Build the dbt project on a local Apache Spark from the published raw layer.",
)

"""Dagster definitions: only assembles assets, checks, jobs, automation, resources, loggers.

Load them after the dbt manifest is prepared (`qm run` does it; `dagster dev` prepares it
itself through DbtProject.prepare_if_dev): `@dbt_assets` reads the manifest on import.
"""

from __future__ import annotations

import dagster as dg

from orchestration import automation, settings
from orchestration.assets.dbt_project import DbtBuildCli, dbt_project
from orchestration.assets.freshness import build_freshness_checks
from orchestration.assets.ingest import ingest_assets
from orchestration.assets.privacy import build_privacy_check
from orchestration.assets.publish import build_publish_asset
from orchestration.assets.spark import build_on_spark, spark_warehouse
from orchestration.assets.transform import warehouse_models
from orchestration.assets.validation import mart_checks
from orchestration.pipeline import run_logger
from orchestration.resources import WarehouseResource

mart_keys = [key for key in warehouse_models.keys if key.path[0] == "marts"]
published_warehouse = build_publish_asset(mart_keys)
# After every dbt model, on a mart the publish step waits for: a failure blocks the publish.
privacy_check = build_privacy_check(min(mart_keys), warehouse_models.keys)

build_and_publish = dg.define_asset_job(
    "build_and_publish",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(spark_warehouse),
    description="Ingest new exports, build every model, validate, and publish if all passed.",
)

defs = dg.Definitions(
    assets=[*ingest_assets, warehouse_models, published_warehouse, spark_warehouse],
    asset_checks=[
        *mart_checks,
        privacy_check,
        *build_freshness_checks(dbt_project.manifest_path),
    ],
    jobs=[build_and_publish, build_on_spark],
    sensors=automation.sensors,
    schedules=automation.schedules,
    resources={
        "warehouse": WarehouseResource.from_settings(),
        "dbt": DbtBuildCli(project_dir=dbt_project, dbt_executable=settings.dbt_executable()),
    },
    # `console` as in any Dagster run; `qm_run` is what `qm run` shows and writes to its log.
    loggers={"console": dg.colored_console_logger, "qm_run": run_logger},
    # One DuckDB writer at a time: steps run one after another in one process.
    executor=dg.in_process_executor,
)

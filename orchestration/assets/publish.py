"""The published warehouse: replaced only when every blocking check of this run passed."""

from pathlib import Path

import dagster as dg

from orchestration.assets.privacy import CHECK_NAME as PRIVACY_CHECK
from orchestration.assets.validation import mart_suites, suite_asset_key
from orchestration.pipeline import Progress, report_progress
from orchestration.publish import publish_warehouse
from orchestration.resources import WarehouseResource


def failed_and_missing_checks(
    instance: dg.DagsterInstance, run_id: str, required: set[str]
) -> tuple[list[str], set[str]]:
    """Blocking-severity checks that failed in this run, and required checks that never ran."""
    records = instance.get_records_for_run(
        run_id=run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    failed, evaluated = [], set()
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        name = evaluation.asset_check_key.to_user_string()
        evaluated.add(evaluation.asset_check_key.name)
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed.append(name)
    return failed, required - evaluated


def required_checks() -> set[str]:
    """The checks that must have run and passed in the run: every mart suite, and the scan
    for personal data in every table."""
    return {f"ge_{suite}" for suite in mart_suites()} | {PRIVACY_CHECK}


def build_publish_asset(mart_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    required = required_checks()
    checked_keys = {suite_asset_key(suite) for suite in mart_suites()}

    @dg.asset(
        key="published_warehouse",
        group_name="publish",
        deps=sorted(set(mart_keys) | checked_keys, key=lambda key: key.to_user_string()),
        kinds={"duckdb"},
        description=(
            "The DuckDB file dashboards and analysts read: the build file, copied and renamed"
            " into place only when every blocking check of the run passed."
        ),
    )
    def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        failed, missing = failed_and_missing_checks(context.instance, context.run_id, required)
        if failed or missing:
            reasons = [f"{len(failed)} blocking checks failed"] if failed else []
            reasons += [f"{len(missing)} checks did not run"] if missing else []
            report_progress(
                context.log,
                Progress("publish", warehouse.published_path, "failed", ", ".join(reasons)),
            )
            raise dg.Failure(
                description="Not publishing: the last good warehouse stays in place.",
                metadata={"failed_checks": failed, "checks_not_run": sorted(missing)},
            )
        path = publish_warehouse(Path(warehouse.build_path), Path(warehouse.published_path))
        report_progress(context.log, Progress("publish", str(path), "ok"))
        return dg.MaterializeResult(metadata={"path": str(path), "bytes": path.stat().st_size})

    return published_warehouse

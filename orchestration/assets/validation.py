"""Great Expectations suites on the marts, run as blocking Dagster asset checks."""

from pathlib import Path

import dagster as dg

from orchestration import settings
from orchestration.pipeline import Progress, report_progress
from orchestration.resources import WarehouseResource
from orchestration.validation import SuiteOutcome, load_suite_document, validate_table


def mart_suites() -> list[str]:
    return sorted(path.stem for path in settings.EXPECTATIONS_DIR.glob("mart_*.json"))


def suite_asset_key(suite_name: str) -> dg.AssetKey:
    return dg.AssetKey(load_suite_document(suite_name)["meta"]["table"].split("."))


def suite_check_result(outcome: SuiteOutcome, log, **target) -> dg.AssetCheckResult:
    """A GE suite outcome as a Dagster check result (blocking severity), reported as progress."""
    detail = f"{outcome.evaluated} expectations on {outcome.rows_validated} rows"
    if outcome.rows_after_load is not None:
        detail += f" ({outcome.scope()})"
    detail += f", {outcome.seconds:.1f} s"
    if not outcome.success:
        detail += f", {len(outcome.failures)} failed: " + "; ".join(outcome.failures[:3])
    status = "ok" if outcome.success else "failed"
    report_progress(log, Progress("validate", f"ge_{outcome.suite_name}", status, detail))
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "evaluated_expectations": outcome.evaluated,
            "failures": dg.MetadataValue.json(outcome.failures),
            "rows_validated": outcome.rows_validated,
            "rows_read": outcome.scope(),
            "seconds": round(outcome.seconds, 3),
        },
        **target,
    )


def build_mart_check(suite_name: str) -> dg.AssetChecksDefinition:
    document = load_suite_document(suite_name)

    @dg.asset_check(
        asset=suite_asset_key(suite_name),
        name=f"ge_{suite_name}",
        blocking=document["meta"].get("blocking", True),
        description=document["meta"].get("description"),
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect() as connection:
            outcome = validate_table(
                connection, suite_name, Path(warehouse.validation_dir), context.run.run_id
            )
        return suite_check_result(outcome, context.log)

    return _check


mart_checks = [build_mart_check(suite) for suite in mart_suites()]

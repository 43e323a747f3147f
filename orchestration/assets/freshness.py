"""Freshness per export: an asset check on each `raw/<export>` that warns when the newest file
of that export was ingested longer ago than the export may be late.

The thresholds are dbt's source freshness (`freshness:` in models/staging/_sources.yml, the one
place they live, also read by mart_source_freshness); the checks read them from the prepared
dbt manifest, where dbt has already applied the source-level default and each table's
override. Exports without a threshold (they land on change) get no check.

Dagster's own builders (`build_last_update_freshness_checks`) do not fit: they measure the
asset's last materialization, and `raw/<export>` materializes on every run, new file or not.
What ages is the ingest timestamp of the newest file (raw.file_ledger.ingested_at), so these
checks query the build file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.assets.ingest import raw_key
from orchestration.ingest import INGEST_ORDER
from orchestration.resources import WarehouseResource

CHECK_NAME = "freshness"
PERIOD_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0}


@dataclass(frozen=True)
class Threshold:
    """How old the newest file of an export may grow: late after `warn_after_hours`, stale
    after `error_after_hours` (either may be absent)."""

    warn_after_hours: float | None
    error_after_hours: float | None

    @property
    def limit_hours(self) -> float:
        """The age past which the check fails: the first threshold declared."""
        return min(h for h in (self.warn_after_hours, self.error_after_hours) if h is not None)


def _hours(after: dict | None) -> float | None:
    if not after or after.get("count") is None or after.get("period") is None:
        return None
    return after["count"] * PERIOD_HOURS[after["period"]]


def source_thresholds(manifest: dict) -> dict[str, Threshold]:
    """Export → its dbt source freshness, for the exports of the ingest that declare one."""
    thresholds = {}
    for source in manifest.get("sources", {}).values():
        if source["source_name"] != "raw" or source["name"] not in INGEST_ORDER:
            continue
        freshness = source.get("freshness") or {}
        threshold = Threshold(
            _hours(freshness.get("warn_after")), _hours(freshness.get("error_after"))
        )
        if threshold.warn_after_hours is not None or threshold.error_after_hours is not None:
            thresholds[source["name"]] = threshold
    return thresholds


def freshness_result(
    connection: duckdb.DuckDBPyConnection, export: str, threshold: Threshold, now: dt.datetime
) -> dg.AssetCheckResult:
    """Pass when the newest file of `export` was ingested within its threshold (`now` is naive
    UTC, as ingested_at is). An export that never landed passes: there is nothing late yet, and
    the run summary already lists it among the empty exports."""
    newest = connection.execute(
        "select max(ingested_at) from raw.file_ledger where export = ?", [export]
    ).fetchall()[0][0]
    metadata = {
        "warn_after_hours": threshold.warn_after_hours,
        "error_after_hours": threshold.error_after_hours,
    }
    if newest is None:
        return dg.AssetCheckResult(
            passed=True,
            asset_key=raw_key(export),
            check_name=CHECK_NAME,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{export}: no file ingested yet, nothing to be late.",
            metadata=metadata,
        )
    age_hours = (now - newest).total_seconds() / 3600
    stale = threshold.error_after_hours is not None and age_hours > threshold.error_after_hours
    passed = age_hours <= threshold.limit_hours
    limit = threshold.error_after_hours if stale else threshold.limit_hours
    description = (
        f"{export}: newest file ingested {age_hours:.1f} h ago ({newest:%Y-%m-%d %H:%M} UTC),"
        + (
            f" within its {threshold.limit_hours:g} h threshold."
            if passed
            else f" {'stale' if stale else 'late'}: older than its {limit:g} h threshold"
            " (dbt source freshness in models/staging/_sources.yml). Check that the export"
            f" still lands in the landing folder's {export}/."
        )
    )
    return dg.AssetCheckResult(
        passed=passed,
        asset_key=raw_key(export),
        check_name=CHECK_NAME,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            **metadata,
            "age_hours": round(age_hours, 2),
            "last_ingested_at": newest.isoformat(timespec="seconds"),
        },
    )


def build_freshness_check(export: str, threshold: Threshold) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=raw_key(export),
        name=CHECK_NAME,
        blocking=False,
        description=(
            f"The newest `{export}` file was ingested at most {threshold.limit_hours:g} h ago"
            " (dbt source freshness). Severity WARN and not blocking: late data is still the"
            " best data there is, so publishing what did land beats keeping yesterday's"
            " warehouse; the warning says which export to chase."
        ),
    )
    def _freshness(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as connection:
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            return freshness_result(connection, export, threshold, now)

    return _freshness


def build_freshness_checks(manifest_path: Path) -> list[dg.AssetChecksDefinition]:
    """One check per export with a threshold, from the prepared dbt manifest."""
    manifest = json.loads(manifest_path.read_text())
    return [
        build_freshness_check(export, threshold)
        for export, threshold in sorted(source_thresholds(manifest).items())
    ]

"""Freshness per export: asset checks on raw/<export> from the ingest timestamp in the file
ledger, against the thresholds dbt declares in _sources.yml."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from unittest import mock

import dagster as dg
import duckdb
import pytest
import yaml

from orchestration import settings
from orchestration.assets.dbt_project import prepare_dbt_project
from orchestration.assets.freshness import (
    Threshold,
    build_freshness_check,
    freshness_result,
    source_thresholds,
)
from orchestration.ingest import INGEST_ORDER
from orchestration.ingest.warehouse_tables import ensure_raw_schema
from orchestration.resources import WarehouseResource, build_database

SOURCES_YML = settings.DBT_PROJECT_DIR / "models" / "staging" / "_sources.yml"
NOW = dt.datetime(2026, 11, 26, 12, 0)


def declared_thresholds() -> dict[str, tuple[float | None, float | None]]:
    """(warn, error) hours per export, read straight from _sources.yml: a table's own
    `freshness` (null: none) overrides the source's; count × hours of the period."""
    hours = {"minute": 1 / 60, "hour": 1, "day": 24}
    [raw] = [source for source in yaml.safe_load(SOURCES_YML.read_text())["sources"]
             if source["name"] == "raw"]  # fmt: skip
    default = raw["config"]["freshness"]
    declared = {}
    for table in raw["tables"]:
        config = table.get("config", {})
        freshness = config["freshness"] if "freshness" in config else default
        if table["name"] not in INGEST_ORDER or not freshness:
            continue
        warn, error = freshness.get("warn_after"), freshness.get("error_after")
        declared[table["name"]] = (
            warn["count"] * hours[warn["period"]] if warn else None,
            error["count"] * hours[error["period"]] if error else None,
        )
    return declared


@pytest.fixture(scope="module")
def manifest() -> dict:
    with mock.patch.dict(os.environ, settings.dbt_environment()):
        return json.loads(prepare_dbt_project().read_text())


def test_thresholds_are_those_of_the_dbt_sources(manifest):
    thresholds = source_thresholds(manifest)
    declared = declared_thresholds()
    assert declared["interactions"] == (36, 72)  # the source's default
    assert declared["coaching_sessions"] == (7 * 24, None)  # its own, never an error
    assert "agents" not in declared  # lands on change
    assert {
        export: (threshold.warn_after_hours, threshold.error_after_hours)
        for export, threshold in thresholds.items()
    } == declared


def test_every_export_with_a_threshold_has_a_check_in_the_definitions(manifest):
    from orchestration.definitions import defs

    checked = {
        key.asset_key.path[-1]
        for key in defs.resolve_asset_graph().asset_check_keys
        if key.name == "freshness"
    }
    assert checked == set(declared_thresholds())


def ledger_with(path: Path, ingested: dict[str, dt.datetime]) -> duckdb.DuckDBPyConnection:
    """A build file whose raw.file_ledger holds one file per export, ingested when given."""
    connection = duckdb.connect(str(path))
    ensure_raw_schema(connection)
    for sequence, (export, when) in enumerate(ingested.items(), start=1):
        connection.execute(
            "insert into raw.file_ledger (file_hash, export, source_file, file_bytes, rows_in,"
            " rows_loaded, rows_quarantined, load_sequence, ingested_at)"
            " values (?, ?, ?, 10, 1, 1, 0, ?, ?)",
            [f"hash{sequence}", export, f"{export}/day.csv", sequence, when],
        )
    return connection


def test_a_fresh_export_passes_and_late_ones_fail_naming_age_and_threshold(tmp_path):
    hourly = Threshold(36, 72)
    with ledger_with(
        tmp_path / "qm.build.duckdb",
        {
            "interactions": NOW - dt.timedelta(hours=3),
            "evaluations": NOW - dt.timedelta(hours=40),
            "csat_surveys": NOW - dt.timedelta(hours=80),
        },
    ) as connection:
        fresh = freshness_result(connection, "interactions", hourly, NOW)
        late = freshness_result(connection, "evaluations", hourly, NOW)
        stale = freshness_result(connection, "csat_surveys", hourly, NOW)
    assert fresh.passed and fresh.metadata["age_hours"].value == 3.0
    assert not late.passed and not stale.passed
    assert late.severity == stale.severity == dg.AssetCheckSeverity.WARN
    assert late.description.startswith("evaluations: newest file ingested 40.0 h ago")
    assert "late: older than its 36 h threshold" in late.description
    assert stale.description.startswith("csat_surveys: newest file ingested 80.0 h ago")
    assert "stale: older than its 72 h threshold" in stale.description


def test_a_weekly_export_without_an_error_threshold_fails_only_after_its_warning(tmp_path):
    weekly = Threshold(7 * 24, None)
    with ledger_with(
        tmp_path / "qm.build.duckdb",
        {"coaching_sessions": NOW - dt.timedelta(days=5)},
    ) as connection:
        five_days = freshness_result(connection, "coaching_sessions", weekly, NOW)
        eight_days = freshness_result(
            connection, "coaching_sessions", weekly, NOW + dt.timedelta(days=3)
        )
    assert five_days.passed
    assert not eight_days.passed and "late: older than its 168 h" in eight_days.description


def test_the_newest_file_counts_not_the_oldest(tmp_path):
    with ledger_with(tmp_path / "qm.build.duckdb", {}) as connection:
        for sequence, hours in enumerate((100, 2), start=1):
            connection.execute(
                "insert into raw.file_ledger (file_hash, export, source_file, file_bytes,"
                " rows_in, rows_loaded, rows_quarantined, load_sequence, ingested_at)"
                " values (?, 'interactions', ?, 10, 1, 1, 0, ?, ?)",
                [f"h{sequence}", f"interactions/{sequence}.csv", sequence,
                 NOW - dt.timedelta(hours=hours)],
            )  # fmt: skip
        result = freshness_result(connection, "interactions", Threshold(36, 72), NOW)
    assert result.passed


def test_an_export_that_never_landed_is_not_late(tmp_path):
    with ledger_with(tmp_path / "qm.build.duckdb", {}) as connection:
        result = freshness_result(connection, "evaluations", Threshold(36, 72), NOW)
    assert result.passed and "no file ingested yet" in result.description


def test_a_late_export_warns_in_a_run_without_failing_it(tmp_path):
    """The check evaluates in a run of its asset; late data does not fail the run."""
    build = tmp_path / "qm.build.duckdb"
    ledger_with(
        build,
        {"interactions": dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=50)},
    ).close()

    @dg.asset(key=["raw", "interactions"])
    def interactions() -> None:
        pass

    check = build_freshness_check("interactions", Threshold(36, 72))
    warehouse = WarehouseResource(
        landing_dir=str(tmp_path / "landing"),
        published_path=str(tmp_path / "qm.duckdb"),
        validation_dir=str(tmp_path / "validation"),
        database=build_database(build),
    )
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [interactions, check], resources={"warehouse": warehouse}, instance=instance
        )
    assert result.success
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == "freshness" and not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.description.startswith("interactions: newest file ingested 50.0 h ago")

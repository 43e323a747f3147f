"""Daily partitions of the ingest: materialising a day reads that day's files only, a day
already read changes nothing, and the exports that do not arrive daily are not partitioned."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.assets.ingest import ingest_assets
from orchestration.partitions import DAILY_EXPORTS
from orchestration.pipeline import summarise_events
from orchestration.resources import WarehouseResource, build_database

FIXTURE = Path(__file__).parents[1] / "fixtures" / "scoring_landing" / "interactions"
TODAY = dt.datetime.now(dt.UTC).date()
DAY1, DAY2, DAY3 = (TODAY - dt.timedelta(days=back) for back in (3, 2, 1))
ASSETS = {asset.node_def.name: asset for asset in ingest_assets}


@pytest.fixture
def warehouse(tmp_path) -> WarehouseResource:
    landing = tmp_path / "landing" / "interactions"
    landing.mkdir(parents=True)
    shutil.copy(FIXTURE / "interactions.csv", landing / f"interactions_{DAY1}.csv")
    shutil.copy(FIXTURE / "interactions_restated.csv", landing / f"interactions_{DAY2}.csv")
    # no date in its name: the day it landed (modified) counts, noon UTC on DAY3
    unnamed = landing / "late_export.csv"
    unnamed.write_text(
        (FIXTURE / "interactions.csv").read_text().replace("I1,", "I901,").replace("I2,", "I902,")
    )
    noon = dt.datetime.combine(DAY3, dt.time(12), dt.UTC).timestamp()
    os.utime(unnamed, (noon, noon))
    return WarehouseResource(
        landing_dir=str(tmp_path / "landing"),
        published_path=str(tmp_path / "qm.duckdb"),
        validation_dir=str(tmp_path / "validation"),
        database=build_database(tmp_path / "qm.build.duckdb"),
    )


def ingest_interactions(warehouse: WarehouseResource, **partitions) -> dg.ExecuteInProcessResult:
    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(
            [ASSETS["ingest_interactions"]],
            resources={"warehouse": warehouse},
            instance=instance,
            **partitions,
        )


def ledger_files(warehouse: WarehouseResource) -> list[str]:
    with duckdb.connect(warehouse.build_path, read_only=True) as connection:
        rows = connection.execute(
            "select source_file from raw.file_ledger order by load_sequence"
        ).fetchall()
    return [row[0] for row in rows]


def materialized(result: dg.ExecuteInProcessResult) -> list[tuple[str | None, int]]:
    """(partition, new files) of each materialisation of raw/interactions."""
    return [
        (event.partition, event.metadata["new_files"].value)
        for event in result.asset_materializations_for_node("ingest_interactions")
    ]


def test_a_day_reads_the_files_of_that_day_only(warehouse):
    result = ingest_interactions(warehouse, partition_key=DAY2.isoformat())
    assert result.success
    assert ledger_files(warehouse) == [f"interactions/interactions_{DAY2}.csv"]
    assert materialized(result) == [(DAY2.isoformat(), 1)]
    # the unnamed file belongs to the day it was modified
    ingest_interactions(warehouse, partition_key=DAY3.isoformat())
    assert ledger_files(warehouse)[1:] == ["interactions/late_export.csv"]


def test_a_day_read_again_changes_nothing(warehouse):
    ingest_interactions(warehouse, partition_key=DAY1.isoformat())
    again = ingest_interactions(warehouse, partition_key=DAY1.isoformat())
    assert materialized(again) == [(DAY1.isoformat(), 0)]
    assert ledger_files(warehouse) == [f"interactions/interactions_{DAY1}.csv"]


def test_a_range_of_days_in_one_run_reads_each_day_and_marks_every_partition(warehouse):
    result = ingest_interactions(
        warehouse,
        tags={
            "dagster/asset_partition_range_start": DAY1.isoformat(),
            "dagster/asset_partition_range_end": DAY2.isoformat(),
        },
    )
    assert result.success
    assert ledger_files(warehouse) == [
        f"interactions/interactions_{DAY1}.csv",
        f"interactions/interactions_{DAY2}.csv",
    ]
    partitions = sorted(partition for partition, _ in materialized(result))
    assert partitions == [DAY1.isoformat(), DAY2.isoformat()]


def test_a_range_of_days_names_each_bad_file_once(warehouse, tmp_path):
    """One materialisation per day of the range, each with the same metadata: the run's
    summary (the `qm run` lines, runs.jsonl, the Data health page) names a bad file once,
    not once per day."""
    landing = tmp_path / "landing" / "interactions"
    (landing / f"interactions_{DAY2}_empty.csv").write_bytes(b"")
    (landing / "export.tsv").write_text("interaction_id\tchannel\n")
    result = ingest_interactions(
        warehouse,
        tags={
            "dagster/asset_partition_range_start": DAY1.isoformat(),
            "dagster/asset_partition_range_end": TODAY.isoformat(),
        },
    )
    assert result.success and len(materialized(result)) == 4
    summary = summarise_events(result.run_id, result.success, result.all_events)
    assert [line.split(":")[0] for line in summary.file_warnings] == [
        f"interactions/interactions_{DAY2}_empty.csv",
        "interactions/export.tsv",
    ]


def test_only_the_daily_exports_are_partitioned():
    partitioned = {
        name.removeprefix("ingest_")
        for name, asset in ASSETS.items()
        if asset.partitions_def is not None
    }
    assert partitioned == set(DAILY_EXPORTS)
    assert {"interactions", "transcripts", "evaluations"} <= partitioned

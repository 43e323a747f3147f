"""The Dagster instance `qm run` writes (orchestration/dagster_storage.py): Dagster's SQLite
storage with the event log's connections kept open. What it stores must be what Dagster's own
storage reads, from any number of runs, with another process writing at the same time."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration import dagster_storage
from orchestration.dagster_storage import KeptConnectionsEventLogStorage
from orchestration.pipeline import prepare_dagster_home


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """The instance of a DAGSTER_HOME prepared as `qm run` prepares it."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("QM_HOME", str(tmp_path))
    home = prepare_dagster_home()
    with dg.DagsterInstance.get() as instance:
        yield instance, home


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="counted")])
def counted(context: dg.AssetExecutionContext):
    for index in range(5):
        context.log.info(f"line {index}")
    return dg.MaterializeResult(
        metadata={"rows": 3},
        check_results=[dg.AssetCheckResult(check_name="positive", passed=True)],
    )


def materialise(instance) -> dg.ExecuteInProcessResult:
    return dg.materialize([counted], instance=instance)


def test_qm_runs_store_their_events_through_kept_connections(instance):
    instance, _ = instance
    assert isinstance(instance.event_log_storage, KeptConnectionsEventLogStorage)


def test_what_it_stores_dagsters_own_storage_reads(instance):
    instance, home = instance
    runs = [materialise(instance).run_id for _ in range(3)]
    stock = SqliteEventLogStorage(str(home / "history" / "runs"))
    for run_id in runs:
        logs = stock.get_logs_for_run(run_id)
        messages = [entry.user_message for entry in logs if not entry.is_dagster_event]
        assert [message for message in messages if message.startswith("line ")] == [
            f"line {index}" for index in range(5)
        ]
        kinds = [entry.dagster_event_type for entry in logs if entry.is_dagster_event]
        assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == 1
        assert kinds[-1] == dg.DagsterEventType.RUN_SUCCESS
    # the cross-run index: every materialisation, newest first, with its metadata
    records = stock.fetch_materializations(dg.AssetKey("counted"), limit=10).records
    assert [record.run_id for record in records] == runs[::-1]
    assert records[0].asset_materialization.metadata["rows"] == dg.IntMetadataValue(3)
    check = dg.AssetCheckKey(dg.AssetKey("counted"), "positive")
    assert len(stock.get_asset_check_execution_history(check, limit=10)) == 3


def test_databases_beyond_the_kept_number_are_closed_and_reopened(instance, monkeypatch):
    instance, _ = instance
    monkeypatch.setattr(dagster_storage, "KEPT_ENGINES", 3)
    runs = [materialise(instance).run_id for _ in range(5)]
    storage = instance.event_log_storage
    assert len(storage._engines) == 3
    # the first run's database was closed; reading it opens it again
    assert storage.get_logs_for_run(runs[0])[-1].dagster_event_type == (
        dg.DagsterEventType.RUN_SUCCESS
    )
    assert len(storage._engines) == 3


WRITER = """
import sys
import dagster as dg
with dg.DagsterInstance.get() as instance:
    for index in range(int(sys.argv[1])):
        instance.report_runless_asset_event(dg.AssetMaterialization("shared", metadata={"i": index}))
"""


def test_another_process_writes_at_the_same_time(instance):
    instance, _ = instance
    other = subprocess.Popen([sys.executable, "-c", WRITER, "150"], env=dict(os.environ))
    for index in range(150):
        instance.report_runless_asset_event(
            dg.AssetMaterialization("shared", metadata={"i": index})
        )
    assert other.wait(timeout=120) == 0
    records = instance.fetch_materializations(dg.AssetKey("shared"), limit=1000).records
    assert len(records) == 300
    assert sorted(record.asset_materialization.metadata["i"].value for record in records) == sorted(
        [*range(150), *range(150)]
    )


def test_wiping_the_instance_closes_and_deletes_the_run_databases(instance):
    instance, home = instance
    run_id = materialise(instance).run_id
    assert (home / "history" / "runs" / f"{run_id}.db").exists()
    instance.event_log_storage.wipe()
    assert not Path(home / "history" / "runs" / f"{run_id}.db").exists()
    assert instance.event_log_storage.get_logs_for_run(run_id) == []


def test_the_storage_is_where_its_file_is_whatever_dagster_home_says(
    instance, tmp_path, monkeypatch
):
    instance, home = instance
    run_id = materialise(instance).run_id
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    with dg.DagsterInstance.from_config(str(home)) as again:
        assert again.get_run_by_id(run_id) is not None
        assert again.get_latest_materialization_event(dg.AssetKey("counted")).run_id == run_id

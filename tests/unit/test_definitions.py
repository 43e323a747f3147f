"""The Dagster graph and the dbt project: what users see in the UI and the docs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from unittest import mock

import dagster as dg
import pytest

from orchestration import settings
from orchestration.assets.dbt_project import prepare_dbt_project


def prepared_manifest() -> dict:
    """The dbt manifest, prepared the way `qm run` prepares it (explicitly, dbt parse when
    the project changed), with the environment dbt needs set only meanwhile."""
    with mock.patch.dict(os.environ, settings.dbt_environment()):
        return json.loads(prepare_dbt_project().read_text())


@pytest.fixture(scope="module")
def defs():
    prepared_manifest()
    from orchestration.definitions import defs

    return defs


def test_every_export_and_model_is_an_asset(defs):
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    for expected in (
        "raw/interactions",
        "raw/transcripts",
        "raw/form_questions",
        "staging/stg_evaluations",
        "marts/fct_evaluations",
        "marts/mart_quality_weekly",
        "published_warehouse",
    ):
        assert expected in keys


def test_publication_waits_on_every_mart(defs):
    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey("published_warehouse")).parent_keys
    marts = {key for key in graph.get_all_asset_keys() if key.path[0] == "marts"}
    assert marts and marts <= parents


def test_great_expectations_suites_are_blocking_checks(defs):
    graph = defs.resolve_asset_graph()
    checks = {
        key.to_user_string(): graph.get_check_spec(key).blocking
        for key in graph.asset_check_keys
        if key.name.startswith("ge_")
    }
    assert "marts/fct_evaluations:ge_mart_fct_evaluations" in checks
    assert "raw/interactions:ge_raw_interactions" in checks
    assert all(checks.values())


def test_dbt_tests_are_asset_checks(defs):
    graph = defs.resolve_asset_graph()
    names = {key.name for key in graph.asset_check_keys}
    assert "unique_fct_evaluations_evaluation_id" in names


def test_every_model_has_a_description():
    manifest = prepared_manifest()
    models = [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]
    assert models
    assert [node["name"] for node in models if not node["description"].strip()] == []


def documented_columns() -> dict[tuple[str, str], set[str]]:
    """(schema, model) → columns with a description in the yml files."""
    manifest = prepared_manifest()
    return {
        (node["schema"], node["name"]): {
            name for name, column in node["columns"].items() if column["description"].strip()
        }
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }


def test_importing_the_definitions_changes_no_environment_variable():
    """Loading the code location (tests, `dagster dev`, tools) has no side effects: dbt's
    environment is set by the entry points that run dbt, not on import."""
    prepared_manifest()
    code = (
        "import os, json; before = dict(os.environ);"
        "import orchestration.definitions;"
        "print(json.dumps(sorted(k for k in os.environ if os.environ.get(k) != before.get(k))))"
    )
    env = {k: v for k, v in os.environ.items() if k not in settings.dbt_environment()}
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    changed = set(json.loads(completed.stdout.strip().splitlines()[-1]))
    assert changed & {*settings.dbt_environment(), "DAGSTER_HOME"} == set()


@pytest.mark.slow
def test_materialisations_carry_row_counts_and_column_schemas(generated_run, warehouse):
    """dbt models (read from the catalog once dbt has finished) and raw tables (the ingest)
    report Dagster's standard table metadata, equal to the warehouse."""
    instance = dg.DagsterInstance.from_config(
        str(generated_run.published.parents[1] / "dagster_home")
    )
    for table in (
        "marts.fct_evaluations",
        "intermediate.int_evaluations_scored",
        "raw.interactions",
        "raw.form_questions",
    ):
        schema, name = table.split(".")
        event = instance.get_latest_materialization_event(dg.AssetKey([schema, name]))
        metadata = event.asset_materialization.metadata
        rows = warehouse.execute(f"select count(*) from {table}").fetchall()[0][0]
        columns = [
            row[0]
            for row in warehouse.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ?"
                " order by column_index",
                [schema, name],
            ).fetchall()
        ]
        assert metadata["dagster/row_count"].value == rows, table
        assert [
            column.name for column in metadata["dagster/column_schema"].schema.columns
        ] == columns, table
    view = instance.get_latest_materialization_event(dg.AssetKey(["staging", "stg_agents"]))
    assert "dagster/column_schema" in view.asset_materialization.metadata
    assert "dagster/row_count" not in view.asset_materialization.metadata  # counting runs it


def test_plain_dagster_dev_finds_the_definitions():
    """`dagster dev` without -m reads [tool.dagster] from pyproject.toml."""
    import tomllib

    pyproject = tomllib.loads((settings.REPO_ROOT / "pyproject.toml").read_text())
    assert pyproject["tool"]["dagster"]["module_name"] == "orchestration.definitions"


def test_the_run_logger_is_offered_beside_the_console(defs):
    job = defs.resolve_job_def("build_and_publish")
    assert {"console", "qm_run"} <= set(job.loggers)


class _HeldWarehouse:
    """A build file dbt still holds: opening it fails as DuckDB's lock does."""

    def connect(self):
        raise OSError("Could not set lock on file")


def test_dbt_events_are_read_to_the_end_before_the_first_is_passed_on():
    """dbt's events are drained where waiting blocks (not in dagster-dbt's polling thread
    pools); the events before an error still reach Dagster, then the error itself, without
    waiting for the build file that dbt may still hold."""
    from orchestration.assets.transform import _drained

    read: list[str] = []

    def dbt_output():
        for name in ("stg_agents", "dim_agents"):
            read.append(name)
            yield name
        raise RuntimeError("dbt exited with 1")

    events = _drained(dbt_output(), {}, _HeldWarehouse())
    assert next(events) == "stg_agents"
    assert read == ["stg_agents", "dim_agents"]  # all read before anything is passed on
    assert next(events) == "dim_agents"
    with pytest.raises(RuntimeError, match="dbt exited with 1"):
        next(events)


def test_the_pipeline_connection_and_dbt_take_their_own_duckdb_memory_limits(tmp_path, monkeypatch):
    """The pipeline's process also holds Dagster and pandas, so its DuckDB gets less than
    dbt's (whose non-spilling joins need it); each variable moves only its own limit."""
    from orchestration.resources import build_database

    monkeypatch.setenv("QM_PIPELINE_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("QM_DUCKDB_MEMORY_LIMIT", "700MB")
    with build_database(tmp_path / "w.duckdb").get_connection() as connection:
        (limit,) = connection.execute("select current_setting('memory_limit')").fetchone()
    assert limit == "286.1 MiB"  # DuckDB shows 300 MB (10^6 bytes) in MiB
    assert settings.dbt_environment(tmp_path / "w.duckdb")["QM_DUCKDB_MEMORY_LIMIT"] == "700MB"

    monkeypatch.delenv("QM_PIPELINE_MEMORY_LIMIT")
    monkeypatch.delenv("QM_DUCKDB_MEMORY_LIMIT")
    assert (settings.pipeline_memory_limit(), settings.duckdb_memory_limit()) == ("4GB", "6GB")


def test_the_spark_build_is_a_job_of_its_own_after_the_publish(defs):
    spark = dg.AssetKey("spark_warehouse")
    assert defs.resolve_asset_graph().get(spark).parent_keys == {dg.AssetKey("published_warehouse")}
    assert defs.resolve_job_def("build_on_spark").asset_layer.selected_asset_keys == {spark}
    publishing = defs.resolve_job_def("build_and_publish").asset_layer.selected_asset_keys
    assert dg.AssetKey("published_warehouse") in publishing and spark not in publishing


def test_the_dbt_resource_knows_its_dbt_without_starting_one(defs):
    # dagster-dbt ran `dbt --version` in a process of its own on every run; the project's
    # resource answers from the dbt installed beside this interpreter, which the launcher
    # becomes: the same version the real command prints.
    resource = defs.resources["dbt"]
    printed = subprocess.run(
        [settings.real_dbt(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    with mock.patch("dagster_dbt.core.resource.check_output", side_effect=AssertionError):
        assert f"installed: {resource._cli_version}" in printed
        assert resource._initialize_dbt_core_adapter([]) is None

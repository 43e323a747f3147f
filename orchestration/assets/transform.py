"""raw → staging → intermediate → marts: every dbt model an asset, every dbt test a check."""

import logging
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration import settings
from orchestration.assets.dbt_project import dbt_project
from orchestration.assets.metadata import table_metadata
from orchestration.incremental import plan_build, record_build
from orchestration.pipeline import RUN_LOGGER, Progress, report_progress
from orchestration.process_memory import return_freed_memory
from orchestration.resources import WarehouseResource


class QualityDbtTranslator(DagsterDbtTranslator):
    """Asset keys mirror warehouse names (raw.interactions, marts.fct_evaluations)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


def _reported(events: Iterator, manifest: Mapping[str, Any], log) -> Iterator:
    """Pass dbt's events through, logging one progress line per model built and per test.
    Runs as they arrive (before `_drained` holds them back), so progress is live.

    A model built or a test passed goes only to the Python logger `qm run` shows and writes
    (RUN_LOGGER), not to the run's log in Dagster's storage: the materialisation and the check
    result are stored already, and Dagster commits each log line on its own (about 400 lines,
    a fifth of a run's events). A failed test's line goes to the run's log (`log`) as well.
    """
    shown = logging.getLogger(RUN_LOGGER)
    for event in events:
        if isinstance(event, dg.Output):
            node = manifest["nodes"][event.metadata["unique_id"].value]
            report_progress(shown, Progress("dbt", f"{node['schema']}.{node['name']}", "ok"))
        elif isinstance(event, dg.AssetCheckResult):
            status = "ok" if event.passed else "failed"
            report_progress(log if status == "failed" else shown,
                            Progress("dbt", f"test {event.check_name}", status))  # fmt: skip
        yield event


def _drained(events: Iterator, manifest: Mapping[str, Any], warehouse) -> Iterator:
    """Every event of the dbt run, read to its end before the first is passed on, then
    dbt's error, if any, where it was raised. The table metadata attached to them is read
    from the build file, which dbt holds (DuckDB: one writing process) until it ends.

    When reading the events fails before dbt has ended, dbt may still hold the file: the
    events go on without table metadata, then the error itself (waiting for the file would
    end, after Dagster's backoff, in a lock error that hides it).
    """
    received, failure = [], None
    try:
        received.extend(events)
    except Exception as error:  # re-raised after the events received before it
        failure = error
    if failure is None:
        yield from _with_table_metadata(received, manifest, warehouse)
    else:
        yield from received
        raise failure


def _with_table_metadata(events: Iterator, manifest: Mapping[str, Any], warehouse) -> Iterator:
    """Each model's and seed's output with Dagster's standard table metadata (row count and
    column schema, `table_metadata`), read from the build file once dbt has released it.

    dagster-dbt's own `fetch_row_counts` / `fetch_column_metadata` ask through dbt's adapter,
    two queries per model, each rendering dbt macros: measured, dbt's end to the first mart
    check took 27 s with them after a small build and 14 s with this (37 s → 17 s at 10M).
    """
    with warehouse.connect() as connection:
        for event in events:
            if isinstance(event, dg.Output):
                node = manifest["nodes"][event.metadata["unique_id"].value]
                is_view = node["config"]["materialized"] == "view"
                metadata = table_metadata(connection, node["schema"], node["alias"], not is_view)
                event = event.with_metadata({**event.metadata, **metadata})
            yield event


# `dagster dev` re-parses the project at every code load; elsewhere the manifest was
# prepared explicitly before these definitions were imported (prepare_dbt_project).
dbt_project.prepare_if_dev()


class DbtBuildConfig(dg.Config):
    # Rebuild the incremental models from every row (qm run --full-refresh).
    full_refresh: bool = False


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=QualityDbtTranslator(),
)
def warehouse_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
):
    # dbt's profile, in the subprocess and in the adapter dagster-dbt opens here for its
    # metadata queries, reads the build file's path from the environment.
    settings.export_environment(Path(warehouse.build_path))
    with warehouse.connect() as connection:
        plan = plan_build(connection, full_refresh=config.full_refresh)
    context.log.info(f"dbt build, {plan.describe()}")
    return_freed_memory()
    total = len(context.selected_asset_keys) + len(context.selected_asset_check_keys)
    report_progress(
        context.log,
        Progress("dbt", "build", "start", f"{total} models and tests, {plan.describe()}", total),
    )
    # The launcher (settings.dbt_executable) makes dbt die with this process; it checks that
    # this process is still its parent once the kernel setting is in place. Set, with the
    # build's starting load, only while dagster-dbt copies the environment and starts dbt:
    # no later child inherits them.
    dbt_environment = {**plan.dbt_environment(), "QM_DBT_PARENT_PID": str(os.getpid())}
    before = {name: os.environ.get(name) for name in dbt_environment}
    os.environ.update(dbt_environment)
    try:
        # dbt unit tests check the SQL on hand-made rows, not the data: they belong to the
        # test suite (tests/integration/test_dbt_unit_tests.py), not to every build.
        # target_path: one fixed folder (settings.dbt_build_dir), reused by every run;
        # without it dagster-dbt makes a new `target/<step>-<uuid>` folder per run.
        invocation = dbt.cli(
            ["build", "--exclude-resource-type", "unit_test", *plan.dbt_arguments()],
            context=context,
            target_path=settings.dbt_build_dir(),
        )
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    events = _reported(invocation.stream(), invocation.manifest, context.log)
    yield from _drained(events, invocation.manifest, warehouse)
    # Reached only when dbt built and tested what was selected: a failed build is redone
    # from the same loads next time (deleting and inserting a contact's rows again is
    # harmless). A build of some models only (a selection in Dagster's UI) is not recorded:
    # the models left out still lack those loads' contacts.
    if set(context.selected_asset_keys) >= set(context.assets_def.keys):
        with warehouse.connect() as connection:
            record_build(connection, plan)

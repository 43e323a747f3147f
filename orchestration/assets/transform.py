"""raw → staging → intermediate → marts: every dbt model an asset, every dbt test a check."""

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_dbt.core.dbt_event_iterator import DbtEventIterator

from orchestration import settings
from orchestration.assets.dbt_project import dbt_project
from orchestration.incremental import plan_build, record_build
from orchestration.pipeline import Progress, report_progress
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

    With DuckDB, dagster-dbt holds the events back until dbt has finished (its metadata
    queries need dbt's write lock released); this runs as they arrive, so progress is live.
    """
    for event in events:
        if isinstance(event, dg.Output):
            node = manifest["nodes"][event.metadata["unique_id"].value]
            report_progress(log, Progress("dbt", f"{node['schema']}.{node['name']}", "ok"))
        elif isinstance(event, dg.AssetCheckResult):
            status = "ok" if event.passed else "failed"
            report_progress(log, Progress("dbt", f"test {event.check_name}", status))
        yield event


def _drained(events: Iterator) -> Iterator:
    """Every event of the dbt run, read to its end before the first is passed on, then
    dbt's error, if any, where it was raised.

    dagster-dbt holds a DuckDB build's events back until dbt has finished anyway (see
    `_reported`). Waiting here blocks on dbt's output; waiting inside its metadata thread
    pools (`fetch_row_counts`, `fetch_column_metadata`) loops without sleeping, two Python
    threads that took about a core from dbt on a 2-core machine for the whole build.
    """
    received, failure = [], None
    try:
        received.extend(events)
    except Exception as error:  # re-raised after the events received before it
        failure = error

    def replay() -> Iterator:
        yield from received
        if failure is not None:
            raise failure

    return replay()


def _release_build_file(adapter) -> None:
    """Close the connections dbt's adapter opened in this process for the metadata queries.

    dbt-duckdb keeps its database open (`keep_open` defaults to true) under a configuration
    that later connections to the same file (the checks' DuckDBResource) cannot share.
    """
    if adapter is None:
        return
    adapter.cleanup_connections()
    manager = type(adapter.connections)
    if hasattr(manager, "close_all_connections"):  # dbt-duckdb: drop its environment
        manager.close_all_connections()


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
    # this process is still its parent once the kernel setting is in place. Set only while
    # dagster-dbt copies the environment and starts dbt: no later child inherits it.
    os.environ["QM_DBT_PARENT_PID"] = str(os.getpid())
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
        del os.environ["QM_DBT_PARENT_PID"]
    events = DbtEventIterator(
        _drained(_reported(invocation.stream(), invocation.manifest, context.log)), invocation
    )
    working_folder = os.getcwd()
    try:
        # Row counts and column schemas as standard metadata (dagster/row_count,
        # dagster/column_schema), queried through dbt's adapter in this process once dbt has
        # released the DuckDB file. Column lineage is left out: sqlglot cannot parse every
        # model (Python models, DuckDB-only syntax) and only Dagster+ shows it.
        yield from events.fetch_row_counts().fetch_column_metadata(with_column_lineage=False)
    finally:
        _release_build_file(invocation.adapter)
        # dagster-dbt's metadata threads each `pushd` into the dbt project; concurrent, they
        # can leave the process there. Data paths resolve from the working folder: restore it.
        os.chdir(working_folder)
    # Reached only when dbt built and tested what was selected: a failed build is redone
    # from the same loads next time (deleting and inserting a contact's rows again is
    # harmless). A build of some models only (a selection in Dagster's UI) is not recorded:
    # the models left out still lack those loads' contacts.
    if set(context.selected_asset_keys) >= set(context.assets_def.keys):
        with warehouse.connect() as connection:
            record_build(connection, plan)

"""raw → staging → intermediate → marts: every dbt model an asset, every dbt test a check."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration import settings

dbt_project = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR
)

DBT_SOURCES = ("models", "macros", "tests", "dbt_project.yml")


def manifest_is_stale(project: DbtProject) -> bool:
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in DBT_SOURCES:
        path = project.project_dir / name
        files = [path] if path.is_file() else path.rglob("*")
        if any(candidate.stat().st_mtime > built for candidate in files):
            return True
    return False


def prepare_manifest(project: DbtProject = dbt_project) -> None:
    """Parse the dbt project once when its sources changed, not at every Dagster load."""
    if manifest_is_stale(project):
        project.preparer.prepare(project)


class QualityDbtTranslator(DagsterDbtTranslator):
    """Asset keys mirror warehouse names (raw.interactions, marts.fct_evaluations)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


settings.export_environment()
prepare_manifest()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=QualityDbtTranslator(),
)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


def model_key(schema: str, name: str) -> dg.AssetKey:
    return dg.AssetKey([schema, name])

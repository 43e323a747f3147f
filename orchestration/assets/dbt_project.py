"""The dbt project as dagster-dbt sees it, and the explicit step that prepares its manifest.

Importing this module has no side effects: it reads paths, nothing runs. The manifest lives
under the data folder (settings.dbt_target_dir), never beside the project, so an installed
package stays read-only. `qm run` and the tests call `prepare_dbt_project()` before loading
the definitions; `dagster dev` prepares it through `dbt_project.prepare_if_dev()`.
"""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

from orchestration import settings

dbt_project = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR,
    profiles_dir=settings.DBT_PROJECT_DIR,
    target_path=settings.dbt_target_dir(),
)

# What a manifest is parsed from: when one of these changed, the manifest is stale.
DBT_SOURCES = ("models", "macros", "tests", "dbt_project.yml", "profiles.yml")


def manifest_is_stale(project: DbtProject = dbt_project) -> bool:
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in DBT_SOURCES:
        path = project.project_dir / name
        if not path.exists():
            continue
        files = [path] if path.is_file() else path.rglob("*")
        if any(candidate.stat().st_mtime > built for candidate in files):
            return True
    return False


def prepare_dbt_project(project: DbtProject = dbt_project) -> Path:
    """Parse the dbt project into its manifest (dagster-dbt's preparer: `dbt parse`) when its
    sources changed since the last parse, and return the manifest's path.

    Runs dbt, so it needs the environment profiles.yml reads (settings.export_environment).
    """
    if manifest_is_stale(project):
        project.preparer.prepare(project)
    return project.manifest_path

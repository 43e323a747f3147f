"""The dbt project as dagster-dbt sees it, and the explicit step that prepares its manifest.

Importing this module has no side effects: it reads paths, nothing runs. The manifest lives
under the data folder (settings.dbt_target_dir), never beside the project, so an installed
package stays read-only. `qm run` and the tests call `prepare_dbt_project()` before loading
the definitions; `dagster dev` prepares it through `dbt_project.prepare_if_dev()`.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from dbt.version import __version__ as dbt_version
from packaging import version

from orchestration import settings

dbt_project = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR,
    profiles_dir=settings.DBT_PROJECT_DIR,
    target_path=settings.dbt_target_dir(),
)

# What a manifest is parsed from: when one of these changed, the manifest is stale.
DBT_SOURCES = ("models", "macros", "tests", "seeds", "dbt_project.yml", "profiles.yml")
# Beside the manifest: which project folder and dbt version it was parsed from. dbt's
# partial parse keeps absolute paths (a seed's CSV), so a manifest parsed from another
# clone of the project, or by another dbt, is stale whatever the files' times say.
PARSED_FROM = "parsed_from.json"


def parsed_from(project: DbtProject) -> dict[str, str]:
    return {"project_dir": str(Path(project.project_dir).resolve()), "dbt_version": dbt_version}


def manifest_is_stale(project: DbtProject = dbt_project) -> bool:
    manifest = project.manifest_path
    stamp = manifest.with_name(PARSED_FROM)
    if not manifest.exists() or not stamp.exists():
        return True
    if json.loads(stamp.read_text()) != parsed_from(project):
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


def prepare_dbt_project(project: DbtProject = dbt_project, build_dir: Path | None = None) -> Path:
    """Parse the dbt project into its manifest (dagster-dbt's preparer: `dbt parse`) when its
    sources changed since the last parse, and return the manifest's path. `build_dir` is
    where `dbt build` writes (settings.dbt_build_dir by default).

    Runs dbt, so it needs the environment profiles.yml reads (settings.export_environment).
    """
    if manifest_is_stale(project):
        # A partial parse from elsewhere would be reused as it is: parse from scratch. The
        # build's folder keeps its own copy (dagster-dbt copies the prepared one there only
        # when it has none), so it goes too.
        for folder in (project.target_path, build_dir or settings.dbt_build_dir()):
            (folder / "partial_parse.msgpack").unlink(missing_ok=True)
        project.preparer.prepare(project)
        stamp = project.manifest_path.with_name(PARSED_FROM)
        stamp.write_text(json.dumps(parsed_from(project)))
    return project.manifest_path


class DbtBuildCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs it pays on every run, about
    4 s of a small build, for things this project does not use:
    - it ran `dbt --version` in a process of its own to learn the version of the dbt it
      starts: that dbt is the one installed beside this interpreter (settings.real_dbt,
      which the launcher becomes), whose version is `dbt.version`;
    - it loaded the project's configuration and macros into a dbt adapter in this process,
      which only its `fetch_row_counts` and `fetch_column_metadata` use: the models' table
      metadata is read from DuckDB's catalog instead (assets/transform.py)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(dbt_version)

    def _initialize_dbt_core_adapter(self, args):  # noqa: ANN001, ANN202 - dagster-dbt's
        return None

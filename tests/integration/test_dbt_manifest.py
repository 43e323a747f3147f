"""The prepared dbt manifest belongs to one project folder and one dbt: a manifest (and the
partial parse the builds reuse) left in the data folder by another clone of the project,
since removed, is parsed again, even when the files' times say it is newer than every
source, and the next build loads its seeds from the current clone."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from unittest import mock

from dagster_dbt import DbtCliResource, DbtProject

from orchestration import settings
from orchestration.assets.dbt_project import prepare_dbt_project


def seed_root_paths(manifest: Path) -> set[str]:
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {node["root_path"] for node in nodes if node["resource_type"] == "seed"}


def load_a_seed(project: DbtProject, build_dir: Path) -> None:
    """What a run's `dbt build` does with its seeds, on one of them, in the fixed build
    folder that keeps its partial parse from run to run."""
    resource = DbtCliResource(project_dir=project, dbt_executable=settings.real_dbt())
    resource.cli(["seed", "--select", "student_t_quantiles"], target_path=build_dir).wait()


def test_a_manifest_from_another_project_folder_is_parsed_again(tmp_path):
    # copytree keeps the files' times: the second clone's sources look older than the
    # manifest the first one leaves behind.
    clones = []
    for name in ("first", "second"):
        clone = tmp_path / name / "dbt_project"
        shutil.copytree(
            settings.DBT_PROJECT_DIR, clone, ignore=shutil.ignore_patterns("target", "logs")
        )
        clones.append(clone)
    data = tmp_path / "data" / "dbt"
    target, build = data / "target", data / "build"
    environment = settings.dbt_environment(tmp_path / "qm.build.duckdb")
    with mock.patch.dict(os.environ, environment):
        first = DbtProject(project_dir=clones[0], profiles_dir=clones[0], target_path=target)
        manifest = prepare_dbt_project(first, build)
        assert seed_root_paths(manifest) == {str(clones[0])}
        parsed_at = manifest.stat().st_mtime_ns
        assert prepare_dbt_project(first, build).stat().st_mtime_ns == parsed_at  # still fresh
        load_a_seed(first, build)
        shutil.rmtree(clones[0])

        second = DbtProject(project_dir=clones[1], profiles_dir=clones[1], target_path=target)
        manifest = prepare_dbt_project(second, build)
        assert seed_root_paths(manifest) == {str(clones[1])}
        load_a_seed(second, build)  # raises if the seed is looked for in the removed clone
    assert str(clones[0]).encode() not in (build / "partial_parse.msgpack").read_bytes()

"""`pip install .` gives a working `qm`: the wheel ships the dbt project and the suites, and
the installed package runs from any folder, writing only there.

The wheel is built from a copy of the source tree (so no build/ folder appears in the
checkout) and installed without dependencies into a target folder that the test venv's
interpreter puts first on its path: the venv supplies dagster, dbt and the rest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# dbt's own output and caches: never part of the project, never shipped.
NOT_SOURCE = {"target", "logs", "dbt_packages", "__pycache__", ".user.yml"}

pytestmark = pytest.mark.slow


def source_files() -> list[str]:
    """The files a clone holds (tracked, or new and not ignored), else the folder's files."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        listed = [str(path.relative_to(REPO_ROOT)) for path in REPO_ROOT.rglob("*")]
    return [
        name
        for name in listed
        if (REPO_ROOT / name).is_file() and not NOT_SOURCE & set(Path(name).parts)
    ]


def shipped(name: str) -> str | None:
    """Where a source file should sit in the wheel (None: not shipped)."""
    top = Path(name).parts[0]
    if top in ("dbt_project", "expectations"):
        return f"orchestration/{name}"
    if top in ("orchestration", "dashboards") and name.endswith(".py"):
        return name
    return None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in source_files():
        if Path(name).parts[0] in ("tests", "benchmarks", "vendor", ".ci"):
            continue
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "Warning" not in built.stdout + built.stderr, built.stdout + built.stderr
    return next(out.glob("qm_warehouse-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--quiet",
         "--target", str(target), str(wheel)],
        check=True,
    )  # fmt: skip
    return target


def qm_in(folder: Path, site: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The installed `qm`, started from `folder` with nothing pointing at the checkout."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QM_", "DAGSTER_", "DBT_")) and key != "PYTHONPATH"
    }
    environment.update(PYTHONPATH=str(site), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [str(site / "bin" / "qm"), *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_wheel_ships_the_dbt_project_the_suites_and_every_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {shipped(name) for name in source_files()} - {None}
    assert {"orchestration/dbt_project/dbt_project.yml", "orchestration/dbt_project/profiles.yml",
            "orchestration/expectations/mart_fct_evaluations.json"} <= expected  # fmt: skip
    assert sorted(expected - names) == []
    assert not [name for name in names if "/target/" in name or "/logs/" in name]
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    assert "License-Expression: Apache-2.0" in zipfile.ZipFile(wheel).read(metadata).decode()


def test_installed_qm_runs_from_any_folder_and_writes_only_there(installed, tmp_path):
    def package_files() -> set[str]:
        return {
            str(path.relative_to(installed))
            for path in installed.rglob("*")
            if "__pycache__" not in path.parts
        }

    before = package_files()
    work = tmp_path / "project"
    work.mkdir()

    help_text = qm_in(work, installed, "--help")
    assert help_text.returncode == 0 and "generate" in help_text.stdout
    imported = subprocess.run(
        [sys.executable, "-c", "import orchestration.settings as s; print(s.DBT_PROJECT_DIR)"],
        cwd=work, env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert Path(imported.stdout.strip()) == installed / "orchestration" / "dbt_project"

    generated = qm_in(work, installed, "generate", "--agents", "6", "--days", "14")
    assert generated.returncode == 0, generated.stderr[-3000:]
    run = qm_in(work, installed, "run")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Telemetry" not in run.stdout + run.stderr

    data = work / "data"
    published = data / "warehouse" / "qm.duckdb"
    assert f"Published {published}" in run.stdout
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.fct_evaluations").fetchall()[0][0]
    assert (data / "dbt" / "target" / "manifest.json").exists()
    assert (data / "dbt" / "build" / "dbt.log").exists()
    assert "enabled: false" in (data / "dagster_home" / "dagster.yaml").read_text()
    assert list((data / "logs").glob("qm-run-*.log"))
    assert package_files() == before, sorted(package_files() ^ before)

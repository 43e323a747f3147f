"""Where things live. Defaults work out of the box; environment variables override them.

QM_LANDING          landing folder of the exports          (default data/landing)
QM_WAREHOUSE        the published DuckDB file, read-only   (default data/warehouse/qm.duckdb)
QM_BUILD_WAREHOUSE  the file the pipeline writes into      (default <warehouse>.build.duckdb)
QM_VALIDATION_DIR   GE results and Data Docs               (default data/validation)

dbt's profiles.yml reads QM_BUILD_WAREHOUSE too, so both tools write the same file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def landing_dir() -> Path:
    return _path_from_env("QM_LANDING", REPO_ROOT / "data" / "landing")


def published_warehouse() -> Path:
    return _path_from_env("QM_WAREHOUSE", REPO_ROOT / "data" / "warehouse" / "qm.duckdb")


def build_warehouse() -> Path:
    published = published_warehouse()
    return _path_from_env(
        "QM_BUILD_WAREHOUSE", published.with_name(published.stem + ".build.duckdb")
    )


def validation_dir() -> Path:
    return _path_from_env("QM_VALIDATION_DIR", REPO_ROOT / "data" / "validation")


def export_environment() -> None:
    """Pin the resolved paths in the environment for dbt and child processes.

    The interpreter's bin folder goes first on PATH so dagster-dbt finds the `dbt` installed
    beside it even when the virtualenv is not activated.
    """
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ["QM_BUILD_WAREHOUSE"] = str(build_warehouse())
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

"""Where things live. Defaults work out of the box; environment variables override them.

Data paths resolve from the project folder: QM_HOME when set, else the current working
folder (so an installed `qm` works wherever it is started, and never writes into the
installed package). The dbt project and the Great Expectations suites are read from the
package (package data in a wheel, the checkout's folders in a source tree).

QM_HOME             the project folder                     (default: the current folder)
QM_LANDING          landing folder of the exports          (default <home>/data/landing)
QM_WAREHOUSE        the published DuckDB file, read-only   (default <home>/data/warehouse/qm.duckdb)
QM_BUILD_WAREHOUSE  the file the pipeline writes into      (default <warehouse>.build.duckdb)
QM_VALIDATION_DIR   GE results and Data Docs               (default <home>/data/validation)
QM_DATA_DOCS_RUNS   runs each suite's Data Docs keep       (default 14)
DAGSTER_HOME        Dagster's run history and dagster.yaml (default <home>/data/dagster_home)
QM_SPARK_DIR        `qm spark`'s raw Parquet and Spark tables (default <home>/data/spark)

dbt's profiles.yml reads QM_BUILD_WAREHOUSE too, so both tools write the same file: every
entry point that runs dbt sets it explicitly (`dbt_environment`), nothing does on import.
This module imports nothing heavy: dashboards may import it for the published path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """A folder shipped with the code: package data when installed from a wheel, else the
    folder of the source tree (an editable install or a checkout)."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


DBT_PROJECT_DIR = _shipped("dbt_project")
EXPECTATIONS_DIR = _shipped("expectations")
# The source checkout, for tests and docs that read files no wheel ships (README.md).
# Never used for data paths: those follow home().
REPO_ROOT = PACKAGE_DIR.parent


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def home() -> Path:
    """The project folder data paths resolve from: QM_HOME, else the current folder."""
    return _path_from_env("QM_HOME", Path.cwd().resolve())


def data_dir() -> Path:
    return home() / "data"


def landing_dir() -> Path:
    return _path_from_env("QM_LANDING", data_dir() / "landing")


def published_warehouse() -> Path:
    return _path_from_env("QM_WAREHOUSE", data_dir() / "warehouse" / "qm.duckdb")


def build_warehouse() -> Path:
    published = published_warehouse()
    return _path_from_env(
        "QM_BUILD_WAREHOUSE", published.with_name(published.stem + ".build.duckdb")
    )


def runs_log() -> Path:
    """One JSON line per `qm run`, published or not, beside the published warehouse: what
    the Data health page reports as the last run."""
    return published_warehouse().with_name("runs.jsonl")


def duckdb_memory_limit() -> str:
    """How much memory DuckDB may take in dbt before it spills to disk
    (QM_DUCKDB_MEMORY_LIMIT). DuckDB's own default is 80 % of the machine, which a large
    landing reaches; this bounds the build's peak memory instead. Some of dbt's operators
    (the machine answers' joins) cannot spill: at 10M contacts they need about 6 GB."""
    return os.environ.get("QM_DUCKDB_MEMORY_LIMIT", "6GB")


def pipeline_memory_limit() -> str:
    """The same bound for the pipeline's own connection (ingest, privacy scan, validation,
    publish: QM_PIPELINE_MEMORY_LIMIT). Lower than dbt's, because that process also holds
    Dagster, Great Expectations and pandas (about 2.6 GiB at 10M contacts) and its work
    (streamed inserts, scans) spills well."""
    return os.environ.get("QM_PIPELINE_MEMORY_LIMIT", "4GB")


def validation_dir() -> Path:
    return _path_from_env("QM_VALIDATION_DIR", data_dir() / "validation")


def data_docs_runs() -> int:
    """How many runs' results of each suite GE's store and its Data Docs keep
    (QM_DATA_DOCS_RUNS, at least 1). Every run's outcome stays in the warehouse
    (`qm_meta.validation_results`); the docs are the recent view. Unbounded, each suite's
    Data Docs index re-read every result ever stored, so validation grew by about 0.6 s a run."""
    value = os.environ.get("QM_DATA_DOCS_RUNS", "14")
    if not value.strip().isdigit():
        raise ValueError(f"QM_DATA_DOCS_RUNS must be a whole number of runs, not {value!r}")
    return max(int(value), 1)


def dagster_home() -> Path:
    return _path_from_env("DAGSTER_HOME", data_dir() / "dagster_home")


def spark_dir() -> Path:
    """Where `qm spark` exports the raw layer and Spark keeps its tables (QM_SPARK_DIR)."""
    return _path_from_env("QM_SPARK_DIR", data_dir() / "spark")


def docs_dir() -> Path:
    return data_dir() / "docs"


def dbt_target_dir() -> Path:
    """The prepared manifest (dbt parse): writable, never inside the installed package."""
    return data_dir() / "dbt" / "target"


def dbt_build_dir() -> Path:
    """The last `dbt build`'s artifacts (compiled SQL, run results) and its dbt.log."""
    return data_dir() / "dbt" / "build"


def logs_dir() -> Path:
    return data_dir() / "logs"


def real_dbt() -> str:
    """The `dbt` installed beside this interpreter (found even when the venv is not
    activated), else whatever `dbt` is on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


DBT_LAUNCHER = PACKAGE_DIR / "dbt_launcher.py"


def dbt_executable() -> str:
    """What runs dbt: the launcher (orchestration/dbt_launcher.py) that ties dbt's life to
    the process starting it (a run killed during `dbt build` takes its dbt along) and then
    becomes `real_dbt()`. Its console script `qm-dbt` beside this interpreter when
    installed, else the module file itself (executable in the source tree; a wheel drops
    the bit), else the plain dbt."""
    script = Path(sys.executable).parent / "qm-dbt"
    for launcher in (script, DBT_LAUNCHER):
        if os.access(launcher, os.X_OK):
            return str(launcher)
    return real_dbt()


def dbt_environment(build_path: Path | None = None) -> dict[str, str]:
    """Variables dbt (a subprocess, and its adapter inside Dagster) must see.

    QM_BUILD_WAREHOUSE is the file profiles.yml builds into; QM_DBT_EXECUTABLE the dbt the
    launcher (dbt_executable) becomes; DBT_TARGET_PATH is where
    dagster-dbt looks for the prepared partial parse; the interpreter's bin folder goes first
    on PATH so the `dbt` installed beside it is found even when the venv is not activated.
    """
    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    return {
        "QM_BUILD_WAREHOUSE": str(build_path or build_warehouse()),
        "QM_DUCKDB_MEMORY_LIMIT": duckdb_memory_limit(),
        "QM_DBT_EXECUTABLE": real_dbt(),
        "DBT_TARGET_PATH": str(dbt_target_dir()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "PATH": path if bin_dir in path.split(os.pathsep) else bin_dir + os.pathsep + path,
    }


def export_environment(build_path: Path | None = None) -> None:
    """Pin the resolved paths in this process's environment, for dbt and child processes.

    Called explicitly by the entry points (`qm`, the dbt asset before it starts dbt), never
    on import.
    """
    os.environ.update(dbt_environment(build_path))

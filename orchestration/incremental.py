"""Whether a build's dbt run is incremental, and from which load.

The incremental models (per contact, or per evaluation: see
dbt_project/macros/incremental_by_interaction.sql) redo only the contacts and evaluations that
loads after the previous successful build touched. This module keeps the record of those builds in the build
file (`qm_meta.model_builds`) and decides, before dbt starts, between an incremental build
(from the load in QM_CHANGED_SINCE_LOAD) and a full refresh (`--full-refresh`).

A full refresh is taken when asked for (`qm run --full-refresh`), on the first build of a
file, when the dbt project or the versions of dbt and DuckDB differ from the previous build's
(a changed model, macro or seed can change every row), and when a file of an export the
per-contact models read as a whole has landed since (REBUILD_EXPORTS: a new form version brings
new phrases to look for in every turn).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb

from orchestration import settings

# The environment variable that gives dbt the incremental build's starting point (the macro
# changed_since_load; a dbt var of that name, given by hand, wins).
CHANGED_SINCE_LOAD = "QM_CHANGED_SINCE_LOAD"
# Exports whose new files change the per-contact models' rows of every contact.
REBUILD_EXPORTS = ("forms",)
# What the build's results depend on besides the data: the project's files and the engines.
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds")
ENGINES = ("dbt-core", "dbt-duckdb", "duckdb")
# One row per dbt build that built every model: the next build redoes only the contacts of
# the loads after built_through_load.
MODEL_BUILDS = """
create schema if not exists qm_meta;
create table if not exists qm_meta.model_builds (
    built_through_load bigint not null,
    full_refresh boolean not null,
    reason varchar not null,
    project_fingerprint varchar not null,
    built_at timestamp not null
)
"""


@dataclass(frozen=True)
class BuildPlan:
    full_refresh: bool
    reason: str  # why a full refresh, or what the incremental build starts from
    changed_since_load: int  # the last load the previous build read (-1: none)
    through_load: int  # the last load this build reads
    fingerprint: str

    def dbt_arguments(self) -> list[str]:
        return ["--full-refresh"] if self.full_refresh else []

    def dbt_environment(self) -> dict[str, str]:
        """The load dbt starts from, as an environment variable rather than a dbt var: dbt
        parses the whole project again when its vars differ from the last parse's (about
        10 s), but only the files that read an environment variable when that changes.
        Always set, -1 (every contact) on a full refresh, whatever the calling shell says."""
        since = -1 if self.full_refresh else self.changed_since_load
        return {CHANGED_SINCE_LOAD: str(since)}

    def describe(self) -> str:
        return ("full refresh: " if self.full_refresh else "incremental: ") + self.reason


def project_fingerprint(project_dir: Path = settings.DBT_PROJECT_DIR) -> str:
    """A hash of every file of the dbt project that shapes a model's rows, and of the
    versions of dbt and DuckDB."""
    digest = hashlib.sha256()
    for engine in ENGINES:
        digest.update(f"{engine}=={version(engine)}\n".encode())
    for part in PROJECT_PARTS:
        root = project_dir / part
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def plan_build(
    connection: duckdb.DuckDBPyConnection,
    full_refresh: bool = False,
    fingerprint: str | None = None,
) -> BuildPlan:
    """Decide the dbt run of this build from the file ledger and the previous builds."""
    connection.execute(MODEL_BUILDS)
    fingerprint = fingerprint or project_fingerprint()
    (through,) = connection.execute(
        "select coalesce(max(load_sequence), -1) from raw.file_ledger"
    ).fetchone()
    previous = connection.execute(
        "select built_through_load, project_fingerprint from qm_meta.model_builds"
        " order by built_through_load desc, built_at desc limit 1"
    ).fetchone()

    def plan(full: bool, reason: str, since: int = -1) -> BuildPlan:
        return BuildPlan(full, reason, since, through, fingerprint)

    if full_refresh:
        return plan(True, "asked for")
    if previous is None:
        return plan(True, "first build of this file")
    since, previous_fingerprint = previous
    if previous_fingerprint != fingerprint:
        return plan(True, "the dbt project or the versions of dbt and DuckDB changed")
    rebuilding = connection.execute(
        f"select distinct export from raw.file_ledger where load_sequence > ?"
        f" and export in ({', '.join('?' * len(REBUILD_EXPORTS))}) order by 1",
        [since, *REBUILD_EXPORTS],
    ).fetchall()
    if rebuilding:
        names = ", ".join(export for (export,) in rebuilding)
        return plan(True, f"new {names} files change every contact's rows", since)
    return plan(False, f"contacts of the loads after {since}", since)


def record_build(connection: duckdb.DuckDBPyConnection, plan: BuildPlan) -> None:
    """After dbt built every model: the next build starts from this one's loads."""
    connection.execute(MODEL_BUILDS)
    connection.execute(
        "insert into qm_meta.model_builds values (?, ?, ?, ?, now()::timestamp)",
        [plan.through_load, plan.full_refresh, plan.reason, plan.fingerprint],
    )

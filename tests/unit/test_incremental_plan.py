"""When a build is incremental and from which load (orchestration.incremental), on a real
DuckDB file whose file ledger is written by hand."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from orchestration import settings
from orchestration.incremental import plan_build, project_fingerprint, record_build
from orchestration.ingest.warehouse_tables import ensure_raw_schema


@pytest.fixture
def connection(tmp_path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        ensure_raw_schema(connection)
        yield connection


def land(connection, export: str, load_sequence: int) -> None:
    connection.execute(
        "insert into raw.file_ledger values (?, ?, ?, 1, 1, 1, 0, ?, now()::timestamp)",
        [f"hash{load_sequence}", export, f"{export}/file{load_sequence}.csv", load_sequence],
    )


def test_the_first_build_is_full_and_the_next_starts_after_its_last_load(connection):
    land(connection, "forms", 1)
    land(connection, "interactions", 2)
    first = plan_build(connection, fingerprint="p1")
    assert (first.full_refresh, first.reason, first.through_load) == (
        True, "first build of this file", 2)  # fmt: skip
    assert first.dbt_arguments() == ["--full-refresh"]
    assert first.dbt_environment() == {"QM_CHANGED_SINCE_LOAD": "-1"}
    record_build(connection, first)

    land(connection, "interactions", 3)
    land(connection, "transcripts", 4)
    second = plan_build(connection, fingerprint="p1")
    assert not second.full_refresh
    assert (second.changed_since_load, second.through_load) == (2, 4)
    assert second.dbt_arguments() == []
    assert second.dbt_environment() == {"QM_CHANGED_SINCE_LOAD": "2"}

    # Not recorded (dbt failed): the next build redoes the same loads and the new one.
    land(connection, "evaluations", 5)
    third = plan_build(connection, fingerprint="p1")
    assert (third.full_refresh, third.changed_since_load, third.through_load) == (False, 2, 5)
    record_build(connection, third)
    nothing_new = plan_build(connection, fingerprint="p1")
    assert (nothing_new.full_refresh, nothing_new.changed_since_load) == (False, 5)


def test_a_new_form_a_changed_project_or_the_flag_rebuild_everything(connection):
    land(connection, "interactions", 1)
    record_build(connection, plan_build(connection, fingerprint="p1"))
    land(connection, "interactions", 2)
    asked = plan_build(connection, full_refresh=True, fingerprint="p1")
    assert asked.reason == "asked for"
    # every contact, though a build before it read load 1
    assert asked.dbt_environment() == {"QM_CHANGED_SINCE_LOAD": "-1"}
    changed = plan_build(connection, fingerprint="p2")
    assert changed.full_refresh and "dbt project" in changed.reason

    land(connection, "forms", 3)
    new_form = plan_build(connection, fingerprint="p1")
    assert (
        new_form.full_refresh and new_form.reason == "new forms files change every contact's rows"
    )
    record_build(connection, new_form)
    assert not plan_build(connection, fingerprint="p1").full_refresh


def test_the_fingerprint_follows_the_project_files_and_nothing_else(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(settings.DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target"))
    before = project_fingerprint(project)
    assert before == project_fingerprint(settings.DBT_PROJECT_DIR)  # only the files count

    (project / "target").mkdir(exist_ok=True)
    (project / "target" / "manifest.json").write_text("{}")
    cache = project / "models" / "__pycache__"
    cache.mkdir()
    (cache / "x.pyc").write_bytes(b"\0")
    assert project_fingerprint(project) == before

    model = project / "models" / "staging" / "stg_agents.sql"
    model.write_text(model.read_text() + "\n-- a comment\n")
    assert project_fingerprint(project) != before

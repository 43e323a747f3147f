"""A centre with no human evaluations yet: interactions, transcripts, the roster and its
scorecard alone build and publish; the empty exports are said, not blocking."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.conftest import run_pipeline

pytestmark = pytest.mark.slow

LANDED = ("agents", "interactions", "transcripts", "forms")


@pytest.fixture(scope="module")
def machine_only_run(generated_landing, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("machine_only")
    landing = workdir / "landing"
    for export in LANDED:
        shutil.copytree(generated_landing / export, landing / export)
    return run_pipeline(landing, workdir, check=False)


def test_landing_without_human_evaluations_publishes(machine_only_run):
    assert machine_only_run.returncode == 0, machine_only_run.output[-3000:]
    assert machine_only_run.published.exists()


def test_empty_exports_are_reported_by_name(machine_only_run):
    line = next(
        line for line in machine_only_run.output.splitlines() if line.startswith("Empty exports")
    )
    for export in ("evaluations", "evaluation_answers", "csat_surveys", "coaching_sessions"):
        assert export in line
    for export in LANDED:
        assert f" {export}," not in line and not line.endswith(f" {export}.")


def test_every_handled_interaction_with_a_transcript_is_machine_scored(machine_only_run):
    with duckdb.connect(str(machine_only_run.published), read_only=True) as connection:
        with_transcript, machine_scored, human = connection.execute(
            """
            select
                (select count(distinct interaction_id) from intermediate.int_transcript_turns),
                count(distinct interaction_id) filter (where evaluation_type = 'auto'),
                count(*) filter (where evaluation_type <> 'auto'),
            from marts.fct_evaluations
            """
        ).fetchone()
    assert with_transcript > 0
    assert machine_scored == with_transcript
    assert human == 0

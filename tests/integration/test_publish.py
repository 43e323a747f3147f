"""Publication: a failed run keeps the last good file. (Readers during a run, and runs killed
at every stage: tests/faults/test_fault_injection.py.)"""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest

from tests.conftest import PipelineRun, run_pipeline

pytestmark = pytest.mark.slow

ABANDONED_HEADER = "interaction_id,channel,direction,queue,agent_id,started_at,ended_at,abandoned\n"


def file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def first_run(scoring_run, tmp_path_factory):
    """A copy of the scoring fixture's folder after its run (landing, build and published
    files, Dagster home, validation results): what the next run in this folder starts from,
    without building the same landing a second time."""
    assert scoring_run.returncode == 0, scoring_run.output[-3000:]
    workdir = tmp_path_factory.mktemp("publish")
    shutil.copytree(scoring_run.landing.parent, workdir, dirs_exist_ok=True)
    published = workdir / "warehouse" / "qm.duckdb"
    run = PipelineRun(
        landing=workdir / "landing",
        published=published,
        build=published.with_name("qm.build.duckdb"),
        returncode=scoring_run.returncode,
        output=scoring_run.output,
    )
    return workdir, run


def test_failed_blocking_check_leaves_the_last_good_warehouse(first_run):
    workdir, run = first_run
    published_digest = file_digest(run.published)
    # Valid under the contract, but far more abandonment than the raw suite accepts.
    rows = [
        f"X{number},voice,inbound,billing,,2026-06-02T10:00:00Z,2026-06-02T10:01:00Z,true"
        for number in range(40)
    ]
    (run.landing / "interactions" / "interactions_outage.csv").write_text(
        ABANDONED_HEADER + "\n".join(rows) + "\n"
    )
    failed = run_pipeline(run.landing, workdir, check=False)
    assert failed.returncode == 1
    assert "NOT published" in failed.output
    assert "ge_raw_interactions" in failed.output
    assert file_digest(run.published) == published_digest
    with duckdb.connect(str(failed.build), read_only=True) as connection:
        landed = connection.execute(
            "select count(*) from raw.interactions where interaction_id like 'X%'"
        ).fetchall()[0][0]
    assert landed == 40

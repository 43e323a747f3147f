"""Shared fixtures: real pipeline runs (generate → qm run) built once per session."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pytest
import yaml
from filelock import FileLock

from tests.faults import survived

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

# Small enough for CI, large enough for every export, the team change and a special cause.
SAMPLE_ARGS = ["--seed", "11", "--agents", "24", "--days", "42"]


def pytest_configure(config) -> None:
    """Under pytest-xdist (`make test` runs two workers) each worker gets a data folder of its
    own, before any test module is imported (`orchestration.assets.dbt_project` reads its
    target path on import): two runs at once would otherwise share dbt's target and build
    folders, the logs and Dagster's home. Removed when the worker ends."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return
    home = Path(tempfile.mkdtemp(prefix=f"qm-test-{worker}-"))
    os.environ["QM_HOME"] = str(home)
    os.environ["DAGSTER_HOME"] = str(home / "data" / "dagster_home")
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))


def pytest_sessionfinish(session) -> None:
    """A worker hands the fault probes it ran to the controller, which prints the table."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["fault_probes"] = survived.PROBES


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    survived.PROBES.update(getattr(node, "workeroutput", {}).get("fault_probes", {}))


def pytest_terminal_summary(terminalreporter) -> None:
    """The fault-injection suite's table of the faults survived, at the end of the session."""
    if not survived.PROBES:
        return
    terminalreporter.section("faults survived")
    for line in survived.table():
        terminalreporter.write_line(line)


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PipelineRun:
    landing: Path
    published: Path
    build: Path
    returncode: int
    output: str


def run_qm(*arguments: str, env_overrides: dict[str, str] | None = None, check: bool = True):
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", **(env_overrides or {})}
    env.pop("QM_BUILD_WAREHOUSE", None)
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and completed.returncode != 0:
        raise AssertionError(
            f"qm {' '.join(arguments)} failed ({completed.returncode}):\n"
            f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
        )
    return completed


def run_pipeline(
    landing: Path, workdir: Path, check: bool = True, full_refresh: bool = False
) -> PipelineRun:
    published = workdir / "warehouse" / "qm.duckdb"
    completed = run_qm(
        "run",
        "--landing",
        str(landing),
        "--warehouse",
        str(published),
        *(["--full-refresh"] if full_refresh else []),
        env_overrides={
            "DAGSTER_HOME": str(workdir / "dagster_home"),
            "QM_VALIDATION_DIR": str(workdir / "validation"),
        },
        check=check,
    )
    return PipelineRun(
        landing=landing,
        published=published,
        build=published.with_name("qm.build.duckdb"),
        returncode=completed.returncode,
        output=completed.stdout + completed.stderr,
    )


def built_once(tmp_path_factory, name: str, build):
    """`build(folder)` once in the whole test session: under pytest-xdist the first worker
    that asks builds in a folder all workers share, the others wait for it and get the same
    result (a path or a PipelineRun, kept as JSON) over the same files. A session fixture
    would otherwise run once in every worker: each pipeline run of the shared samples twice
    on two cores.

    Whatever reads these files must leave them as they are, as it always had to within one
    worker."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent  # this session's, above each worker's
    result = shared / f"{name}.json"
    with FileLock(shared / f"{name}.lock"):
        if not result.exists():
            folder = shared / name
            shutil.rmtree(folder, ignore_errors=True)  # a worker's build that failed
            folder.mkdir()
            value = build(folder)
            stored = {"run": asdict(value)} if isinstance(value, PipelineRun) else {"path": value}
            result.write_text(json.dumps(stored, default=str))
    stored = json.loads(result.read_text())
    if "path" in stored:
        return Path(stored["path"])
    run = stored["run"]
    return PipelineRun(
        **{**run, **{key: Path(run[key]) for key in ("landing", "published", "build")}}
    )


@pytest.fixture(scope="session")
def scoring_run(tmp_path_factory) -> PipelineRun:
    """The hand-computed scoring fixture through the whole pipeline."""

    def build(workdir: Path) -> PipelineRun:
        shutil.copytree(FIXTURES / "scoring_landing", workdir / "landing")
        return run_pipeline(workdir / "landing", workdir)

    return built_once(tmp_path_factory, "scoring", build)


def registry_targets(truth: dict) -> list[dict]:
    """A target for every metric that takes one, on every segment kind the registry allows
    it, each with a value of its own (plausible for the metric's format) so that the marts
    show which one matched; then a target on a metric that takes none and one on a segment
    kind the metric lacks."""
    from orchestration.metrics import targetable

    team, site = next(iter(truth["teams"].items()))
    values = {"all": None, "site": site, "team": team, "queue": "billing", "channel": "voice",
              "agent": truth["team_change"]["agent_id"]}  # fmt: skip
    typical = {"percent": (0.1, 0.001), "score": (80.0, 0.1), "seconds": (400.0, 1.0),
               "rating": (4.0, 0.01), "ratio": (0.5, 0.01)}  # fmt: skip
    targets = [
        {"metric": metric.metric, "segment": kind if kind == "all" else f"{kind}:{values[kind]}",
         "target": round(typical[metric.format][0] + typical[metric.format][1] * index, 6)}
        for metric in targetable().values()
        for index, kind in enumerate(metric.segments)
    ]  # fmt: skip
    targets += [
        {"metric": "question_fail_rate", "segment": "all", "target": 0.1},
        {"metric": "abandonment_rate", "segment": f"team:{team}", "target": 0.1},
    ]
    return [{**target, "effective_from": truth["parameters"]["start"]} for target in targets]


@pytest.fixture(scope="session")
def generated_landing(tmp_path_factory) -> Path:
    """Sample exports, plus a quality_targets file naming every metric on every segment kind
    it allows (and two targets the registry refuses): see registry_targets."""

    def build(folder: Path) -> Path:
        out = folder / "landing"
        run_qm("generate", "--out", str(out), *SAMPLE_ARGS)
        truth = json.loads((out / "ground_truth.json").read_text())
        (out / "quality_targets" / "registry_check.yml").write_text(
            yaml.safe_dump(registry_targets(truth), sort_keys=False)
        )
        return out

    return built_once(tmp_path_factory, "generated", build)


@pytest.fixture(scope="session")
def generated_run(generated_landing, tmp_path_factory) -> PipelineRun:
    return built_once(
        tmp_path_factory, "generated_run", lambda workdir: run_pipeline(generated_landing, workdir)
    )


@pytest.fixture(scope="session")
def truth(generated_landing) -> dict:
    """The generator's ground_truth.json for the generated sample."""
    return json.loads((generated_landing / "ground_truth.json").read_text())


def special_cause(truth: dict, kind: str) -> dict:
    """One injected special cause of a ground truth, e.g. stopped_recording_disclosure."""
    return next(item for item in truth["special_causes"] if item["kind"] == kind)


@pytest.fixture(scope="session")
def recording_lapse(truth) -> dict:
    """The team that stops giving the recording disclosure, and from when."""
    return special_cause(truth, "stopped_recording_disclosure")


@pytest.fixture(scope="session")
def warehouse(generated_run):
    """A read-only connection to the warehouse published from the generated sample."""
    assert generated_run.returncode == 0, generated_run.output[-3000:]
    with duckdb.connect(str(generated_run.published), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="session")
def published_warehouse(generated_run) -> Path:
    """A published warehouse built by the real pipeline from generated sample data."""
    return generated_run.published


@pytest.fixture(scope="session")
def faulty_run(tmp_path_factory) -> PipelineRun:
    """Generated exports with injected contract violations, through the pipeline."""

    def build(workdir: Path) -> PipelineRun:
        landing = workdir / "landing"
        run_qm("generate", "--out", str(landing), *SAMPLE_ARGS, "--faults", "0.02")
        return run_pipeline(landing, workdir, check=False)

    return built_once(tmp_path_factory, "faulty", build)


@pytest.fixture(scope="session")
def planted_run(tmp_path_factory) -> PipelineRun:
    """A small generated landing set with personal data and hostile values planted
    (tests/planted_landing.py), through the real pipeline once for all tests that read it."""
    from tests.planted_landing import plant

    def build(workdir: Path) -> PipelineRun:
        landing = workdir / "landing"
        run_qm("generate", "--out", str(landing), "--seed", "5", "--agents", "6", "--days", "14")
        plant(landing)
        return run_pipeline(landing, workdir, check=False)

    run = built_once(tmp_path_factory, "planted", build)
    assert run.build.exists(), run.output[-3000:]
    return run


DBT_PROJECT = REPO_ROOT / "dbt_project"
# vars: scorecards: of dbt_project.yml (confidence, plan, queue and calibration settings)
SCORECARD_VARS = yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text())["vars"]["scorecards"]


def dbt_on_copy(warehouse: Path, copy: Path, workdir: Path, *arguments: str) -> str:
    """`dbt <arguments>` on a copy of a built warehouse (its artifacts under `workdir`);
    fails the test with dbt's output unless dbt succeeds, else returns that output."""
    shutil.copyfile(warehouse, copy)  # not its mode: a published file is read-only
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *arguments,
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
         "--profiles-dir", "."],
        cwd=DBT_PROJECT,
        env={**os.environ, "QM_BUILD_WAREHOUSE": str(copy)},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    return completed.stdout


def rebuild_with_scorecard_vars(published: Path, workdir: Path, select: str, table: str, **changed):
    """`table` after `dbt run --select <select>` in a copy of the published warehouse with
    some `vars: scorecards:` changed (another seed): what a setting does, without a new
    pipeline run."""
    name = "_".join(f"{key}_{value}" for key, value in changed.items())
    copy = workdir / f"{name}.duckdb"
    vars_ = json.dumps({"scorecards": {**SCORECARD_VARS, **changed}})
    dbt_on_copy(published, copy, workdir / name, "run", "--select", select, "--vars", vars_)
    with duckdb.connect(str(copy), read_only=True) as connection:
        return connection.execute(f"select * from {table}").df()

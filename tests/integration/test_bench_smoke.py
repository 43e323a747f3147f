"""`make bench`'s smoke version: the benchmark runs end to end on a tiny landing and writes its
results file. Its timings are the machine's, so the test checks what they are made of and the
arithmetic done on them, never how fast anything was."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    results = tmp_path_factory.mktemp("bench_results")
    completed = subprocess.run(
        [sys.executable, "benchmarks/run_all.py", "--smoke", "--results-dir", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    [path] = results.iterdir()
    return path, json.loads(path.read_text()), completed.stdout


def test_the_results_file_is_named_by_date_and_machine(smoke):
    path, data, _ = smoke
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[A-Za-z0-9_.-]+\.json", path.name)
    assert path.name.endswith(re.sub(r"[^A-Za-z0-9_.-]+", "-", data["machine"]["name"]) + ".json")
    assert data["machine"]["cpus"] >= 1 and data["machine"]["memory_gib"] > 0


def test_every_stage_is_measured_and_the_load_floor_reads_every_generated_row(smoke):
    _, data, _ = smoke
    [(size, stages)] = data["results"].items()
    assert size == "6 agents x 14 days"
    *measured, agreement = stages
    assert measured == ["generate", "floor", "pandas", "ingest", "pipeline"]
    assert agreement == "pandas_agreement"
    for result in (stages[stage] for stage in measured):
        assert result["seconds"] > 0 and result["peak_mib"] > 0
        assert result["rows_per_second"] == pytest.approx(result["rows"] / result["seconds"])
    # the floor loads exactly the rows the generator wrote, with no check at all
    assert stages["floor"]["rows"] == stages["generate"]["rows"]


def test_the_pipeline_says_where_its_time_went(smoke):
    _, data, _ = smoke
    [stages] = data["results"].values()
    pipeline = stages["pipeline"]
    assert set(pipeline["steps"]) == {"ingest", "dbt", "validate", "publish"}
    assert sum(pipeline["steps"].values()) <= pipeline["seconds"]
    models = pipeline["dbt_models"]
    assert {"stg_interactions", "mart_spc_points", "int_turn_sentiment"} <= set(models)
    assert list(models.values()) == sorted(models.values(), reverse=True)  # slowest first


def test_the_pandas_reference_reaches_the_same_numbers_as_the_marts(smoke):
    _, data, _ = smoke
    [stages] = data["results"].values()
    agreement = stages["pandas_agreement"]
    assert set(agreement) == {"evaluations", "agent_weeks", "queue_days"}
    for result in agreement.values():
        assert result["matched_rows"] == result["reference_rows"] == result["mart_rows"] > 0
        assert result["max_difference"] < 1e-9


def test_the_summary_table_puts_each_stage_against_the_load_floor_and_pandas(smoke):
    _, data, stdout = smoke
    [stages] = data["results"].values()
    floor, pandas = stages["floor"]["seconds"], stages["pandas"]["seconds"]
    rows = {
        cells[1]: cells
        for line in stdout.splitlines()
        if line.startswith("| 6 agents")
        and (cells := [cell.strip() for cell in line.strip("|").split("|")])
    }
    pipeline = stages["pipeline"]
    assert rows["pipeline"][-2:] == [
        f"{pipeline['seconds'] / floor:.1f}",
        f"{pipeline['seconds'] / pandas:.1f}",
    ]
    assert rows["pipeline: dbt"][-2] == f"{pipeline['steps']['dbt'] / floor:.1f}"
    assert rows["floor"][-2] == "" and rows["pandas"][-1] == ""


def test_pages_on_a_published_warehouse_times_every_page_there(generated_run, tmp_path):
    completed = subprocess.run(
        [sys.executable, "benchmarks/run_all.py", "--pages-on", str(generated_run.published),
         "--results-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    [path] = tmp_path.iterdir()
    assert path.name.endswith("-pages.json")
    [(name, result)] = json.loads(path.read_text())["results"].items()
    assert name == f"pages on {generated_run.published}"
    views = {page.stem for page in (ROOT / "dashboards" / "views").glob("*.py")}
    timed = {page.split("?")[0] for page in result["pages"]}
    assert timed == views | {"control_chart"}
    for timing in result["pages"].values():
        assert timing["cold_seconds"] > 0 and timing["warm_seconds"] > 0
        # the queries a page sends, timed inside the page's own time
        assert timing["queries"] >= 1
        assert timing["slowest_query_ms"] <= timing["query_seconds"] * 1000 + 1
        assert timing["query_seconds"] <= timing["cold_seconds"]
        assert timing["slowest_query"].startswith(("select", "with"))

"""The Data health page on the real published test warehouse, and Data Docs that render
without the internet."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from orchestration.validation import data_docs_index, data_docs_packages

pytestmark = pytest.mark.slow
PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "views" / "data_health.py"


def validation_dir(generated_run) -> Path:
    return generated_run.published.parents[1] / "validation"


def run_page(monkeypatch, generated_run) -> AppTest:
    monkeypatch.setenv("QM_WAREHOUSE", str(generated_run.published))
    monkeypatch.setenv("QM_VALIDATION_DIR", str(validation_dir(generated_run)))
    return AppTest.from_file(str(PAGE), default_timeout=60).run()


def test_the_last_run_is_read_from_the_run_log_beside_the_warehouse(generated_run):
    [*_, last] = generated_run.published.with_name("runs.jsonl").read_text().splitlines()
    run = json.loads(last)
    assert run["published"] is True and run["failed"] == [] and run["seconds"] > 0
    # where the time went: each step of the run, within the run's own time
    assert set(run["step_seconds"]) == {"ingest", "dbt", "validate", "publish"}
    assert min(run["step_seconds"].values()) >= 0
    assert run["step_seconds"]["dbt"] > 0
    assert sum(run["step_seconds"].values()) <= run["seconds"]


def test_data_health_shows_the_run_the_exports_the_files_and_the_checks(monkeypatch, generated_run):
    app = run_page(monkeypatch, generated_run)
    assert not app.exception
    assert app.success[0].value.startswith("Published:")
    with duckdb.connect(str(generated_run.published), read_only=True) as connection:
        [(files, suites)] = connection.execute(
            "select (select count(*) from raw.file_ledger),"
            " (select count(distinct suite_name) from qm_meta.validation_results)"
        ).fetchall()
    freshness, listed, validation = (table.value for table in app.dataframe)
    assert set(freshness["export"]) >= {"interactions", "evaluations", "agents"}
    assert set(freshness["status"]) <= {"on time", "late", "stale", "lands on change"}
    assert len(listed) == files
    assert len(validation) == suites and validation["is_success"].all()
    assert f"All {suites} Great Expectations suites passed" in app.success[1].value
    assert [button.label for button in app.get("download_button")][-1].startswith(
        "Download Data Docs"
    )


def test_quarantine_reasons_are_counted_per_file(faulty_run):
    with duckdb.connect(str(faulty_run.build), read_only=True) as connection:
        rows = connection.execute(
            "select source_file, quarantine_reasons, rows_quarantined"
            " from marts.mart_ingested_files where rows_quarantined > 0"
        ).fetchall()
        counts = dict(
            connection.execute(
                "select source_file || ':' || reason, count(*) from raw.quarantine group by all"
            ).fetchall()
        )
    assert rows
    for source_file, reasons, quarantined in rows:
        parsed = dict(item.split(": ") for item in reasons.split("; "))
        assert {f"{source_file}:{r}": int(n) for r, n in parsed.items()} == {
            key: value for key, value in counts.items() if key.startswith(f"{source_file}:")
        }
        assert sum(map(int, parsed.values())) == quarantined


def test_data_docs_load_nothing_from_the_internet(generated_run):
    if not data_docs_packages().is_dir():
        pytest.skip("vendor/data_docs has no npm packages (make install runs npm ci)")
    site = data_docs_index(validation_dir(generated_run)).parent
    pages = list(site.rglob("*.html"))
    assert pages
    remote = re.compile(r"<(?:script|link|img)[^>]*(?:src|href)=\"https?://", re.IGNORECASE)
    local = re.compile(r"(?:src|href)=\"([^\"#?]*static/vendor/[^\"]+)\"")
    for page in pages:
        text = page.read_text()
        assert not remote.search(text), page
        for reference in local.findall(text):
            assert (page.parent / reference).resolve().is_file(), (page, reference)

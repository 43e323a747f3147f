"""Which rows a Great Expectations suite reads: a raw suite that holds row by row reads the
loads after its last success; a failure, a changed suite or an expectation over the whole
table (row count, mean) makes it read every row. GE's store and Data Docs keep each suite's
last runs, the warehouse every run. Real GE validations on a real DuckDB file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from orchestration import settings, validation
from orchestration.ingest.warehouse_tables import ensure_raw_schema


@pytest.fixture
def connection(tmp_path):
    with duckdb.connect(str(tmp_path / "qm.build.duckdb")) as connection:
        ensure_raw_schema(connection)
        yield connection


def land_turns(connection, load: int, speakers: list[str]) -> None:
    """One load's transcript turns, one per speaker given."""
    for turn, speaker in enumerate(speakers):
        connection.execute(
            "insert into raw.transcripts (interaction_id, turn_index, speaker, text,"
            " _source_file, _source_row, _file_hash, _load_sequence, _ingested_at)"
            " values (?, ?, ?, 'hello', ?, ?, 'h', ?, now())",
            [f"I{load}", turn, speaker, f"transcripts/t{load}.csv", turn + 1, load],
        )


def validate(connection, tmp_path: Path, suite: str = "raw_transcripts"):
    return validation.validate_table(connection, suite, tmp_path / "validation", "run")


def test_a_row_by_row_suite_reads_only_the_loads_after_its_last_success(connection, tmp_path):
    land_turns(connection, 1, ["agent", "customer", "agent"])
    first = validate(connection, tmp_path)
    assert first.success and first.rows_validated == 3 and first.rows_after_load is None
    land_turns(connection, 2, ["customer", "agent"])
    second = validate(connection, tmp_path)
    assert second.success and (second.rows_validated, second.rows_after_load) == (2, 1)
    assert second.scope() == "the loads after 1"
    unchanged = validate(connection, tmp_path)
    assert unchanged.success and (unchanged.rows_validated, unchanged.rows_after_load) == (0, 2)
    stored = connection.execute(
        "select rows_validated, rows_after_load, through_load, seconds > 0"
        " from qm_meta.validation_results order by validated_at"
    ).fetchall()
    assert stored == [(3, None, 1, True), (2, 1, 2, True), (0, 2, 2, True)]


def test_rows_that_failed_are_read_again_until_they_pass(connection, tmp_path):
    land_turns(connection, 1, ["agent"])
    assert validate(connection, tmp_path).success
    land_turns(connection, 2, ["agent", "robot"])  # not a speaker the suite allows
    assert not validate(connection, tmp_path).success
    land_turns(connection, 3, ["customer"])
    again = validate(connection, tmp_path)
    # the failed load is read again with the new one: the bad row still blocks
    assert not again.success and (again.rows_validated, again.rows_after_load) == (3, 1)


def test_a_changed_suite_reads_every_row(connection, tmp_path, monkeypatch):
    land_turns(connection, 1, ["agent", "customer"])
    assert validate(connection, tmp_path).success
    land_turns(connection, 2, ["system"])
    folder = tmp_path / "expectations"
    folder.mkdir()
    document = validation.load_suite_document("raw_transcripts")
    document["expectations"][2]["kwargs"]["value_set"].remove("system")
    (folder / "raw_transcripts.json").write_text(json.dumps(document))
    monkeypatch.setattr(settings, "EXPECTATIONS_DIR", folder)
    stricter = validate(connection, tmp_path)
    assert (stricter.rows_validated, stricter.rows_after_load) == (3, None)
    assert not stricter.success


def test_a_suite_with_a_whole_table_expectation_reads_every_row(connection, tmp_path):
    document = validation.load_suite_document("raw_interactions")
    assert not validation.is_row_by_row(document)  # its row count and mean abandonment
    assert validation.is_row_by_row(validation.load_suite_document("raw_transcripts"))
    for load in (1, 2):
        connection.execute(
            "insert into raw.interactions (interaction_id, channel, direction, queue,"
            " started_at, ended_at, talk_seconds, hold_seconds, abandoned, _source_file,"
            " _source_row, _file_hash, _load_sequence, _ingested_at) values (?, 'voice',"
            " 'inbound', 'billing', now(), now(), 60, 0, false, 'f.csv', 1, 'h', ?, now())",
            [f"I{load}", load],
        )
        outcome = validate(connection, tmp_path, "raw_interactions")
        assert (outcome.rows_validated, outcome.rows_after_load) == (load, None)


def test_data_docs_keep_each_suites_last_runs_and_the_warehouse_keeps_every_run(
    connection, tmp_path, monkeypatch
):
    monkeypatch.setenv("QM_DATA_DOCS_RUNS", "3")
    docs = tmp_path / "validation"
    stored = docs / "gx" / "uncommitted" / "validations" / "raw_transcripts"
    site = validation.data_docs_index(docs).parent
    runs: list[str] = []  # each validation's folder in GE's store, <run name>/<run time>
    for load in range(1, 6):
        before = {folder.relative_to(stored) for folder in stored.glob("*/*")}
        land_turns(connection, load, ["agent"])
        validate(connection, tmp_path)
        [new] = {folder.relative_to(stored) for folder in stored.glob("*/*")} - before
        runs.append(new.as_posix())
    kept = set(runs[-3:])
    assert {path.parent.relative_to(stored).as_posix() for path in stored.rglob("*.json")} == kept
    pages = site / "validations" / "raw_transcripts"
    assert {path.parent.relative_to(pages).as_posix() for path in pages.rglob("*.html")} == kept
    index = validation.data_docs_index(docs).read_text(encoding="utf-8")
    listed = set(re.findall(r"validations/raw_transcripts/([^/]+/[^/]+)/[^\"']+\.html", index))
    assert listed == kept
    # the pages written by the later runs were made to load nothing from a CDN either
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not [url for url in validation.DATA_DOCS_ASSETS if url in text], page
    [(rows,)] = connection.execute("select count(*) from qm_meta.validation_results").fetchall()
    assert rows == 5


def test_the_runs_kept_come_from_the_environment_and_a_wrong_value_is_named(monkeypatch):
    monkeypatch.delenv("QM_DATA_DOCS_RUNS", raising=False)
    assert settings.data_docs_runs() == 14
    monkeypatch.setenv("QM_DATA_DOCS_RUNS", "0")
    assert settings.data_docs_runs() == 1  # the run that just validated stays
    monkeypatch.setenv("QM_DATA_DOCS_RUNS", "two weeks")
    with pytest.raises(ValueError, match="QM_DATA_DOCS_RUNS must be a whole number"):
        settings.data_docs_runs()

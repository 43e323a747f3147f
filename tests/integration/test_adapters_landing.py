"""The Amazon Connect samples, imported with `qm import`, load into raw with nothing
quarantined: each export is ingested in INGEST_ORDER into a fresh DuckDB file (no dbt)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from orchestration.cli import main
from orchestration.ingest import INGEST_ORDER, ingest_export
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow

SAMPLES = FIXTURES / "amazon_connect"
VOICE_CONTACT = "5c2f7a9e-1b3d-4e8f-9a0b-c1d2e3f4a5b6"  # its CTR is in ctr-records.jsonl


def test_amazon_connect_samples_load_into_raw_without_quarantine(tmp_path, monkeypatch):
    monkeypatch.setenv("QM_LANDING", str(tmp_path / "unused"))
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES / "forms", landing / "forms")  # the form version, written by hand
    samples = [
        SAMPLES / name
        for name in (
            "evaluation-form-output.json",
            "contact-lens-chat.json",
            "ctr-records.jsonl",
            "ctr-records.json",
        )
    ]
    assert main(["import", "amazon-connect", *map(str, samples), "--landing", str(landing)]) == 0
    voice = SAMPLES / "contact-lens-voice.repaired.json"
    arguments = ["--set", f"contact_id={VOICE_CONTACT}", "--landing", str(landing)]
    assert main(["import", "amazon-connect", str(voice), *arguments]) == 0

    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    reports = {export: ingest_export(connection, export, landing) for export in INGEST_ORDER}
    quarantined = connection.execute(
        "select export, source_file, reason, detail from raw.quarantine"
    ).fetchall()
    assert quarantined == []
    loaded = {export: report.total("rows_loaded") for export, report in reports.items()}
    # interactions: ctr-records.jsonl 5 lines - 1 repeated delivery = 4 (3 + 1 restated),
    # ctr-records.json 5; transcripts: 31 chat messages + 10 voice turns; the evaluation has
    # 3 questions, of which the TEXT one has no contract type.
    assert {export: loaded[export] for export in loaded if loaded[export]} == {
        "interactions": 9,
        "transcripts": 41,
        "evaluations": 1,
        "evaluation_answers": 2,
        "forms": 1,  # rows of the hand-written form file
    }
    # both updates of the evaluated contact are kept; the later one wins in staging
    updates = connection.execute(
        "select updated_at, after_contact_work_seconds from raw.interactions"
        " where interaction_id = 'badd4896-75f7-43b3-bee6-c617ed3d04cb' order by updated_at"
    ).fetchall()
    assert [seconds for _, seconds in updates] == [60, 95]

    # importing the same exports again lands byte-identical files: the ledger skips them
    assert main(["import", "amazon-connect", *map(str, samples), "--landing", str(landing)]) == 0
    again = {export: ingest_export(connection, export, landing) for export in INGEST_ORDER}
    assert all(not report.new_files for report in again.values())

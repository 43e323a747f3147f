"""The worked example of a second vendor: a QA tool's CSV (tests/fixtures/example_qa_csv)."""

from __future__ import annotations

import pytest

from orchestration.adapters import ADAPTERS, AdapterError, make_adapter, write_conversion
from tests.conftest import FIXTURES

EXPORT = FIXTURES / "example_qa_csv" / "qa-export-2026-03.csv"


def test_example_adapter_is_registered_by_name():
    assert ADAPTERS["example-qa-csv"].name == "example-qa-csv"


def test_csv_rows_become_one_evaluation_per_id_and_one_answer_per_row():
    conversion = make_adapter("example-qa-csv").convert_file(EXPORT)
    assert conversion.rows["evaluations"] == [
        {
            "evaluation_id": "EV-1001",
            "revision": 1,
            "interaction_id": "C-555",
            "agent_id": "A017",
            "evaluator_id": "sup.lee",
            "form_id": "customer_service",
            "form_version": 3,
            "evaluation_type": "standard",
            "submitted_at": "2026-03-02T10:15:00Z",
        },
        {
            "evaluation_id": "EV-1002",
            "revision": 1,
            "interaction_id": "C-561",
            "agent_id": "A021",
            "evaluator_id": "sup.lee",
            "form_id": "customer_service",
            "form_version": 3,
            "evaluation_type": "calibration",
            "submitted_at": "2026-03-02T11:40:00Z",
        },
    ]
    answers = [
        (row["evaluation_id"], row["question_id"], row["answer"], row["comment"])
        for row in conversion.rows["evaluation_answers"]
    ]
    assert answers == [
        ("EV-1001", "recording_disclosure", "yes", None),
        ("EV-1001", "empathy", "3", "Good tone, could acknowledge the delay"),
        ("EV-1001", "hold_permission", "na", "No hold on this call"),
        ("EV-1002", "recording_disclosure", "no", "Disclosure missing"),
    ]


def test_written_landing_files_are_named_after_vendor_and_source(tmp_path):
    conversion = make_adapter("example-qa-csv").convert_file(EXPORT)
    written = write_conversion(conversion, tmp_path, "example-qa-csv")
    assert sorted((file.path.relative_to(tmp_path).as_posix(), file.rows) for file in written) == [
        ("evaluation_answers/example-qa-csv-qa-export-2026-03.csv.jsonl", 4),
        ("evaluations/example-qa-csv-qa-export-2026-03.csv.jsonl", 2),
    ]


def test_score_that_is_not_an_answer_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    lines = EXPORT.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1].replace(",Yes,", ",Maybe,")]) + "\n")
    with pytest.raises(AdapterError) as error:
        make_adapter("example-qa-csv").convert_file(path)
    assert str(error.value).splitlines()[0] == (
        f"{path}: line 2: Score 'Maybe' is not Yes, No, N/A or a number"
    )


def test_short_row_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "short.csv"
    lines = EXPORT.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1], "EV-1003,C-570,A017"]) + "\n")
    with pytest.raises(AdapterError, match=r"short.csv: line 3: fewer than the 11 columns"):
        make_adapter("example-qa-csv").convert_file(path)

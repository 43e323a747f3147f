"""Contract checks of the ingest: every bad row is quarantined with the right reason."""

from __future__ import annotations

import json

import duckdb
import pytest

from orchestration.ingest import ingest_export

HEADER = (
    "interaction_id,channel,direction,queue,agent_id,started_at,answered_at,ended_at,"
    "talk_seconds,hold_count,abandoned,resolved,updated_at"
)
GOOD = "I{n},voice,inbound,billing,A1,2026-06-01T09:00:00Z,,2026-06-01T09:10:00Z,300,0,false,true,"

BAD_ROWS = {
    "malformed_row": "I9,voice,inbound,billing,A1,2026-06-01T09:00:00Z",
    "missing_required": "I9,voice,inbound,,A1,2026-06-01T09:00:00Z,,2026-06-01T09:10:00Z,1,0,false,,",
    "bad_timestamp": "I9,voice,inbound,billing,A1,2026-13-45 25:61,,2026-06-01T09:10:00Z,1,0,false,,",
    "bad_number": "I9,voice,inbound,billing,A1,2026-06-01T09:00:00Z,,2026-06-01T09:10:00Z,12x,0,false,,",
    "bad_boolean": "I9,voice,inbound,billing,A1,2026-06-01T09:00:00Z,,2026-06-01T09:10:00Z,1,0,maybe,,",
    "invalid_enum": "I9,fax,inbound,billing,A1,2026-06-01T09:00:00Z,,2026-06-01T09:10:00Z,1,0,false,,",
    "out_of_range": "I9,voice,inbound,billing,A1,2026-06-01T09:00:00Z,,2026-06-01T08:00:00Z,1,0,false,,",
}


@pytest.fixture
def connection():
    with duckdb.connect() as connection:
        yield connection


def land(tmp_path, export: str, name: str, text: str):
    folder = tmp_path / export
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return tmp_path


def quarantine(connection) -> list[tuple]:
    return connection.execute(
        "select source_file, source_row, reason, detail, raw_row from raw.quarantine"
        " order by source_row"
    ).fetchall()


@pytest.mark.parametrize("reason", sorted(BAD_ROWS))
def test_bad_interaction_row_is_quarantined_with_its_reason(tmp_path, connection, reason):
    lines = [HEADER, GOOD.format(n=1), BAD_ROWS[reason], GOOD.format(n=2)]
    landing = land(tmp_path, "interactions", "batch.csv", "\n".join(lines) + "\n")
    report = ingest_export(connection, "interactions", landing)
    [(source_file, source_row, found_reason, detail, raw_row)] = quarantine(connection)
    assert (source_file, source_row, found_reason) == ("interactions/batch.csv", 2, reason)
    assert detail
    assert "I9" in raw_row
    assert report.total("rows_in") == 3
    assert report.total("rows_loaded") == 2


def test_agent_is_required_unless_abandoned(tmp_path, connection):
    lines = [
        HEADER,
        "I1,voice,inbound,billing,,2026-06-01T09:00:00Z,,2026-06-01T09:01:00Z,0,0,true,,",
        "I2,voice,inbound,billing,,2026-06-01T09:00:00Z,,2026-06-01T09:01:00Z,0,0,false,,",
    ]
    landing = land(tmp_path, "interactions", "batch.csv", "\n".join(lines) + "\n")
    ingest_export(connection, "interactions", landing)
    [(_, row, reason, detail, _)] = quarantine(connection)
    assert (row, reason) == (2, "missing_required")
    assert "agent_id" in detail


def test_duplicate_key_quarantines_only_the_later_copy(tmp_path, connection):
    lines = [HEADER, GOOD.format(n=1), GOOD.format(n=2), GOOD.format(n=1)]
    landing = land(tmp_path, "interactions", "batch.csv", "\n".join(lines) + "\n")
    ingest_export(connection, "interactions", landing)
    assert [(row, reason) for _, row, reason, _, _ in quarantine(connection)] == [
        (3, "duplicate_key")
    ]


def test_relanding_the_same_file_is_a_no_op(tmp_path, connection):
    landing = land(tmp_path, "interactions", "a.csv", HEADER + "\n" + GOOD.format(n=1) + "\n")
    ingest_export(connection, "interactions", landing)
    (tmp_path / "interactions" / "copy_of_a.csv").write_bytes(
        (tmp_path / "interactions" / "a.csv").read_bytes()
    )
    report = ingest_export(connection, "interactions", landing)
    assert [outcome.skipped_as_known for outcome in report.files] == [True, True]
    assert connection.execute("select count(*) from raw.interactions").fetchall() == [(1,)]


def test_unknown_columns_are_kept_in_raw(tmp_path, connection):
    text = HEADER + ",Vendor Score\n" + GOOD.format(n=1) + ",7\n"
    landing = land(tmp_path, "interactions", "a.csv", text)
    ingest_export(connection, "interactions", landing)
    [(extra,)] = connection.execute("select _extra from raw.interactions").fetchall()
    assert json.loads(extra) == {"vendor_score": "7"}


def test_timestamps_without_offset_are_utc_and_offsets_are_converted(tmp_path, connection):
    lines = [
        HEADER,
        "I1,chat,inbound,q,A1,2026-06-01 09:00:00,,2026-06-01T11:30:00+02:00,1,0,false,,",
    ]
    landing = land(tmp_path, "interactions", "a.csv", "\n".join(lines) + "\n")
    ingest_export(connection, "interactions", landing)
    [(started, ended)] = connection.execute(
        "select strftime(started_at, '%H:%M'), strftime(ended_at, '%H:%M') from raw.interactions"
    ).fetchall()
    assert (started, ended) == ("09:00", "09:30")


def test_jsonl_and_parquet_are_read_like_csv(tmp_path, connection):
    import pyarrow as pa
    import pyarrow.parquet as pq

    survey = {"survey_id": "S1", "interaction_id": "I1", "csat": 5, "nps": None}
    land(tmp_path, "csat_surveys", "a.jsonl", json.dumps(survey) + "\nnot json\n")
    ingest_export(connection, "csat_surveys", tmp_path)
    folder = tmp_path / "coaching_sessions"
    folder.mkdir()
    pq.write_table(
        pa.table(
            {
                "coaching_id": ["C1", "C2"],
                "agent_id": ["A1", None],
                "held_at": ["2026-06-01T10:00:00Z", "2026-06-01T10:00:00Z"],
                "question_ids": ["greeting;empathy", None],
            }
        ),
        folder / "a.parquet",
    )
    ingest_export(connection, "coaching_sessions", tmp_path)
    reasons = {(file, row, reason) for file, row, reason, _, _ in quarantine(connection)}
    assert reasons == {
        ("csat_surveys/a.jsonl", 2, "malformed_row"),
        ("coaching_sessions/a.parquet", 2, "missing_required"),
    }
    [(questions,)] = connection.execute("select question_ids from raw.coaching_sessions").fetchall()
    assert questions == ["greeting", "empathy"]


FORM = """
form_id: f
version: 1
effective_from: 2026-01-01
sections:
  - section_id: s
    weight: 1
    questions:
      - {question_id: q1, type: yes_no, max_points: 1, weight: 1, critical: none, na_allowed: false}
      - {question_id: q2, type: scale, max_points: 4, weight: 1, critical: none, na_allowed: true}
"""


def test_answers_are_checked_against_the_form(tmp_path, connection):
    land(tmp_path, "forms", "f.yml", FORM)
    land(
        tmp_path,
        "evaluations",
        "e.csv",
        "evaluation_id,interaction_id,agent_id,evaluator_id,form_id,form_version,"
        "evaluation_type,submitted_at\n"
        "E1,I1,A1,Q,f,1,standard,2026-06-01T10:00:00Z\n"
        "E2,I1,A1,Q,f,9,standard,2026-06-01T10:00:00Z\n"
        "E3,I2,A1,Q,f,1,standard,2026-06-01T10:00:00Z\n",
    )
    land(
        tmp_path,
        "evaluation_answers",
        "a.csv",
        "evaluation_id,revision,question_id,answer\n"
        "E1,1,q1,yes\nE3,1,q2,5\nE1,1,q1x,yes\nE1,1,q1,na\nE9,1,q1,yes\nE1,,q2,na\n"
        "E3,1,q1,na\n",
    )
    for export in ("forms", "evaluations", "evaluation_answers"):
        ingest_export(connection, export, tmp_path)
    found = [
        (file.split("/")[0], row, reason) for file, row, reason, _, _ in quarantine(connection)
    ]
    assert sorted(found) == sorted(
        [
            ("evaluations", 2, "unknown_form"),
            ("evaluation_answers", 2, "invalid_answer"),
            ("evaluation_answers", 3, "unknown_question"),
            ("evaluation_answers", 4, "duplicate_key"),
            ("evaluation_answers", 5, "orphan"),
            ("evaluation_answers", 7, "na_not_allowed"),
        ]
    )
    # Row 6 has no revision: the contract default (1) applies and `na` is allowed for q2.
    assert connection.execute("select count(*) from raw.evaluation_answers").fetchall() == [(2,)]


def test_a_broken_form_is_quarantined_whole_with_the_key_path(tmp_path, connection):
    land(tmp_path, "forms", "f.yml", FORM.replace("type: scale", "type: stars"))
    ingest_export(connection, "forms", tmp_path)
    [(_, row, reason, detail, _)] = quarantine(connection)
    assert (row, reason) == (None, "invalid_enum")
    assert "sections[0].questions[1].type" in detail
    assert connection.execute("select count(*) from raw.form_questions").fetchall() == [(0,)]


def targets_quarantine(tmp_path, connection, targets: str) -> tuple[list, list]:
    landing = land(tmp_path, "quality_targets", "targets.yml", targets)
    ingest_export(connection, "quality_targets", landing)
    loaded = connection.execute(
        "select metric, segment, direction from raw.quality_targets order by _source_row"
    ).fetchall()
    return loaded, quarantine(connection)


def test_targets_are_checked_against_the_metric_registry(tmp_path, connection):
    targets = """
- {metric: qa_score, segment: "agent:A0001", target: 90, effective_from: 2026-06-01}
- {metric: abandonment_rate, segment: "queue:billing", target: 0.05, direction: lower,
   effective_from: 2026-06-01}
- {metric: nps_score, segment: all, target: 40, direction: higher, effective_from: 2026-06-01}
- {metric: abandonment_rate, segment: "team:T01", target: 0.05, direction: lower,
   effective_from: 2026-06-01}
- {metric: question_fail_rate, segment: all, target: 0.1, direction: lower,
   effective_from: 2026-06-01}
- {metric: qa_score, segment: "region:north", target: 80, direction: higher,
   effective_from: 2026-06-01}
"""
    loaded, quarantined = targets_quarantine(tmp_path, connection, targets)
    # a missing direction is the metric's own: a higher QA score is better
    assert loaded == [("qa_score", "agent:A0001", "higher"),
                      ("abandonment_rate", "queue:billing", "lower")]  # fmt: skip
    reasons = [(row, reason) for _, row, reason, _, _ in quarantined]
    assert reasons == [
        (3, "unknown_metric"),  # not in the registry
        (4, "unknown_segment"),  # an abandoned contact has no team
        (5, "unknown_metric"),  # in the registry, but it takes no target
        (6, "invalid_enum"),  # not a segment kind at all
    ]
    details = [detail for *_, detail, _ in quarantined]
    assert "nps_score" in details[0] and "qa_score" in details[0]
    assert "per team" in details[1] and "queue" in details[1]


# hold_count as landed → as loaded (None: quarantined as bad_number)
INTEGER_READINGS = {
    "3": 3,
    " 3 ": 3,
    "007": 7,
    "+4": 4,
    "-0": 0,
    "2.0": 2,
    "1e1": 10,
    "2.5": None,  # not a whole number
    "0x10": None,  # hexadecimal is not a number in the contract
    "0b11": None,
    "1,000": None,
    "9223372036854775808": None,  # past bigint
}


def test_integers_are_read_as_whole_decimal_numbers(tmp_path, connection):
    lines = [HEADER] + [
        GOOD.format(n=number).replace(",300,0,", f',300,"{landed}",')
        for number, landed in enumerate(INTEGER_READINGS)
    ]
    landing = land(tmp_path, "interactions", "batch.csv", "\n".join(lines) + "\n")
    ingest_export(connection, "interactions", landing)
    loaded = dict(
        connection.execute("select _source_row, hold_count from raw.interactions").fetchall()
    )
    reasons = dict(connection.execute("select source_row, reason from raw.quarantine").fetchall())
    for row, (landed, expected) in enumerate(INTEGER_READINGS.items(), start=1):
        if expected is None:
            assert reasons.get(row) == "bad_number", landed
        else:
            assert loaded.get(row) == expected, landed

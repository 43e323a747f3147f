"""Chunked ingest: a file read in many small chunks loads and quarantines exactly the rows
it would in one, numbered by its records, with duplicate keys judged across chunks."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.ingest import ingest_export, readers

HEADER = (
    "interaction_id,channel,direction,queue,agent_id,started_at,answered_at,ended_at,"
    "talk_seconds,hold_count,abandoned,resolved,updated_at"
)


def good(n: int) -> str:
    return f"I{n},voice,inbound,billing,A1,2026-06-01T09:00:00Z,,2026-06-01T09:10:00Z,1,0,false,,"


@pytest.fixture
def connection():
    with duckdb.connect() as connection:
        yield connection


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Two records per chunk, for every reader."""
    monkeypatch.setattr(readers, "CHUNK_ROWS", 2)
    monkeypatch.setattr(readers, "TEXT_CHUNK_ROWS", 2)


def quarantined(connection) -> list[tuple]:
    return connection.execute(
        "select source_file, source_row, reason from raw.quarantine order by source_row"
    ).fetchall()


def test_csv_in_chunks_numbers_records_and_finds_duplicates_across_chunks(
    tmp_path, connection, tiny_chunks
):
    # records: 1 I1, 2 I2, 3 blank line, 4 truncated, 5 I3, 6 I1 again (duplicate of record 1,
    # two chunks later), 7 fax channel, 8 I4
    lines = [
        HEADER,
        good(1),
        good(2),
        "",
        "I9,voice",
        good(3),
        good(1),
        good(5).replace("voice", "fax"),
        good(4),
    ]
    folder = tmp_path / "interactions"
    folder.mkdir()
    (folder / "a.csv").write_text("\n".join(lines) + "\n")
    report = ingest_export(connection, "interactions", tmp_path)
    assert quarantined(connection) == [
        ("interactions/a.csv", 4, "malformed_row"),
        ("interactions/a.csv", 6, "duplicate_key"),
        ("interactions/a.csv", 7, "invalid_enum"),
    ]
    loaded = connection.execute(
        "select _source_row, interaction_id from raw.interactions order by _source_row"
    ).fetchall()
    assert loaded == [(1, "I1"), (2, "I2"), (5, "I3"), (8, "I4")]
    assert (report.total("rows_in"), report.total("rows_loaded")) == (7, 4)


def test_jsonl_column_first_seen_in_a_later_chunk_is_kept(tmp_path, connection, tiny_chunks):
    surveys = [
        {"survey_id": "S1", "interaction_id": "I1", "csat": 5},
        {"survey_id": "S2", "interaction_id": "I2", "csat": 4},
        {"survey_id": "S3", "interaction_id": "I3", "csat": 3, "vendor_flag": "x"},
    ]
    folder = tmp_path / "csat_surveys"
    folder.mkdir()
    (folder / "a.jsonl").write_text("\n".join(json.dumps(survey) for survey in surveys) + "\n")
    ingest_export(connection, "csat_surveys", tmp_path)
    rows = connection.execute(
        "select survey_id, _extra from raw.csat_surveys order by survey_id"
    ).fetchall()
    assert [(survey, json.loads(extra)) for survey, extra in rows] == [
        ("S1", {"vendor_flag": None}),
        ("S2", {"vendor_flag": None}),
        ("S3", {"vendor_flag": "x"}),
    ]


def test_parquet_in_batches_numbers_rows_on_and_redacts_every_batch(
    tmp_path, connection, tiny_chunks
):
    folder = tmp_path / "interactions"
    folder.mkdir()
    (folder / "a.csv").write_text(HEADER + "\n" + good(1) + "\n")
    ingest_export(connection, "interactions", tmp_path)
    folder = tmp_path / "transcripts"
    folder.mkdir()
    pq.write_table(
        pa.table(
            {
                "interaction_id": ["I1", "I1", "I1", "I1", "I2"],
                "turn_index": [0, 1, 2, 1, 0],
                "speaker": ["agent", "customer", "agent", "agent", "agent"],
                "text": ["hi", "mail me at a.b@example.com", "ok", "again", "orphan"],
            }
        ),
        folder / "t.parquet",
    )
    ingest_export(connection, "transcripts", tmp_path)
    assert quarantined(connection) == [
        ("transcripts/t.parquet", 4, "duplicate_key"),
        ("transcripts/t.parquet", 5, "orphan"),
    ]
    loaded = connection.execute(
        "select _source_row, turn_index, text from raw.transcripts order by _source_row"
    ).fetchall()
    assert loaded == [(1, 0, "hi"), (2, 1, "mail me at [EMAIL]"), (3, 2, "ok")]

"""Files that cannot be read, or read wrongly, never stop the ingest and never lose bytes.

Each test lands the fault the issue reported (random bytes named .parquet, a YAML form that
is not UTF-8, a Latin-1 CSV, a file first dropped into the wrong export folder, stray file
types, empty files) and checks what the ingest keeps, quarantines and reports.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from orchestration.ingest import IngestError, ingest_export
from orchestration.ingest.warehouse_tables import ensure_raw_schema

HEADER = "interaction_id,channel,direction,queue,agent_id,started_at,ended_at,abandoned"
ROW = "{id},voice,inbound,{queue},A1,2026-06-01T09:00:00Z,2026-06-01T09:10:00Z,false"


@pytest.fixture
def connection():
    with duckdb.connect() as connection:
        yield connection


def land(landing, export: str, name: str, content: bytes | str):
    folder = landing / export
    folder.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    (folder / name).write_bytes(data)
    return landing


def csv_text(*rows: tuple[str, str]) -> str:
    return "\n".join([HEADER, *(ROW.format(id=i, queue=q) for i, q in rows)]) + "\n"


def quarantined(connection) -> list[tuple]:
    return connection.execute(
        "select source_file, source_row, reason, detail, raw_row from raw.quarantine"
        " order by source_file, source_row"
    ).fetchall()


def loaded(connection) -> list[tuple]:
    return connection.execute(
        "select interaction_id, queue from raw.interactions order by interaction_id"
    ).fetchall()


def test_random_bytes_named_parquet_are_quarantined_whole_and_the_run_goes_on(tmp_path, connection):
    land(tmp_path, "interactions", "a_broken.parquet", bytes(range(256)) * 40)
    land(tmp_path, "interactions", "b_good.csv", csv_text(("I1", "billing")))

    report = ingest_export(connection, "interactions", tmp_path)

    [(file, row, reason, detail, raw)] = quarantined(connection)
    assert (file, row, reason, raw) == ("interactions/a_broken.parquet", None, "invalid_file", None)
    assert "parquet" in detail.lower()  # the reader's own message
    assert loaded(connection) == [("I1", "billing")]
    assert report.warnings()[0].startswith("interactions/a_broken.parquet: invalid_file")
    ledger = connection.execute(
        "select source_file, rows_in, rows_loaded, rows_quarantined from raw.file_ledger"
        " order by source_file"
    ).fetchall()
    assert ledger == [
        ("interactions/a_broken.parquet", 1, 0, 1),
        ("interactions/b_good.csv", 1, 1, 0),
    ]
    # The next run does not trip over it again: the ledger knows the file.
    again = ingest_export(connection, "interactions", tmp_path)
    assert [outcome.skipped_as_known for outcome in again.files] == [True, True]


def test_a_yaml_form_that_is_not_utf8_is_quarantined_with_its_bytes_kept(tmp_path, connection):
    form = "form_id: F1\nversion: 1\nname: Qualit\xe9\n".encode("latin-1")
    land(tmp_path, "forms", "form.yml", form)

    report = ingest_export(connection, "forms", tmp_path)

    [(file, _, reason, detail, raw)] = quarantined(connection)
    assert (file, reason) == ("forms/form.yml", "invalid_file")
    assert "0xe9" in detail
    assert "Qualit\\xe9" in raw  # the byte, escaped, not a replacement character
    assert report.total("rows_quarantined") == 1
    [warning] = report.warnings()
    assert warning.startswith("forms/form.yml: invalid_file, quarantined whole: not UTF-8")


def test_an_undeclared_latin1_csv_quarantines_the_rows_it_cannot_decode(tmp_path, connection):
    text = csv_text(("I1", "billing"), ("I2", "Facturaci\xf3n"), ("I3", "sales"))
    land(tmp_path, "interactions", "latin1.csv", text.encode("latin-1"))

    ingest_export(connection, "interactions", tmp_path)

    assert loaded(connection) == [("I1", "billing"), ("I3", "sales")]
    [(_, row, reason, detail, raw)] = quarantined(connection)
    assert (row, reason) == (2, "bad_encoding")  # the second record after the header
    assert "0xf3" in detail and "encodings.yml" in detail
    assert "Facturaci\\xf3n" in json.loads(raw)["_line"]


def test_a_declared_encoding_is_decoded_exactly(tmp_path, connection):
    text = csv_text(("I1", "Jos\xe9 M\xfcller \u20ac"))
    land(tmp_path, "interactions", "cp1252.csv", text.encode("cp1252"))
    (tmp_path / "encodings.yml").write_text("interactions: cp1252\n")

    ingest_export(connection, "interactions", tmp_path)

    assert loaded(connection) == [("I1", "Jos\xe9 M\xfcller \u20ac")]
    assert quarantined(connection) == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_byte_order_mark_names_the_encoding(tmp_path, connection, encoding):
    text = csv_text(("I1", "Facturaci\xf3n"))
    land(tmp_path, "interactions", "bom.csv", text.encode(encoding))

    ingest_export(connection, "interactions", tmp_path)

    assert loaded(connection) == [("I1", "Facturaci\xf3n")]


def test_an_undecodable_jsonl_line_is_quarantined_alone(tmp_path, connection):
    good = {"interaction_id": "I1", "channel": "chat", "direction": "inbound", "queue": "q",
            "agent_id": "A1", "started_at": "2026-06-01T09:00:00Z",
            "ended_at": "2026-06-01T09:10:00Z", "abandoned": False}  # fmt: skip
    bad = json.dumps({**good, "interaction_id": "I2", "queue": "caf\xe9"}, ensure_ascii=False)
    content = json.dumps(good).encode() + b"\n" + bad.encode("latin-1") + b"\n"
    land(tmp_path, "interactions", "a.jsonl", content)

    ingest_export(connection, "interactions", tmp_path)

    assert loaded(connection) == [("I1", "q")]
    [(_, row, reason, _, raw)] = quarantined(connection)
    assert (row, reason) == (2, "bad_encoding")
    assert "caf\\xe9" in json.loads(raw)["_line"]


def test_an_unknown_declared_encoding_stops_the_export_naming_file_and_declaration(
    tmp_path, connection
):
    land(tmp_path, "interactions", "a.csv", csv_text(("I1", "billing")))
    (tmp_path / "encodings.yml").write_text("interactions: klingon-8\n")

    with pytest.raises(IngestError) as raised:
        ingest_export(connection, "interactions", tmp_path)

    first_line = str(raised.value).splitlines()[0]
    assert first_line.startswith("interactions/a.csv: not ingested")
    assert "encodings.yml" in first_line and "klingon-8" in first_line


def test_a_file_moved_from_the_wrong_export_folder_is_ingested_in_the_right_one(
    tmp_path, connection
):
    content = csv_text(("I1", "billing"))
    land(tmp_path, "transcripts", "oops.csv", content)  # every row breaks transcripts' contract
    first = ingest_export(connection, "transcripts", tmp_path)
    assert first.total("rows_quarantined") == 1

    (tmp_path / "transcripts" / "oops.csv").rename(tmp_path / "transcripts.moved")
    land(tmp_path, "interactions", "oops.csv", content)
    second = ingest_export(connection, "interactions", tmp_path)

    assert [outcome.skipped_as_known for outcome in second.files] == [False]
    assert loaded(connection) == [("I1", "billing")]


def test_other_file_types_and_empty_files_are_reported(tmp_path, connection):
    land(tmp_path, "interactions", "export.tsv", "interaction_id\tchannel\n")
    land(tmp_path, "interactions", "export.json", "[]")
    land(tmp_path, "interactions", ".DS_Store", b"\x00")
    land(tmp_path, "interactions", "zero.csv", b"")
    land(tmp_path, "interactions", "header_only.csv", HEADER + "\n")

    report = ingest_export(connection, "interactions", tmp_path)

    assert sorted(report.warnings()) == [
        "interactions/export.json: ignored, .json is not a file type of interactions"
        " (expected .csv, .parquet, .jsonl)",
        "interactions/export.tsv: ignored, .tsv is not a file type of interactions"
        " (expected .csv, .parquet, .jsonl)",
        "interactions/header_only.csv: empty (no records), nothing loaded",
        "interactions/zero.csv: empty (no records), nothing loaded",
    ]


def test_a_ledger_keyed_by_content_alone_is_rekeyed_by_export_and_content(connection):
    connection.execute("create schema raw")
    connection.execute(
        "create table raw.file_ledger (file_hash varchar primary key, export varchar not null,"
        " source_file varchar not null, file_bytes bigint not null, rows_in bigint not null,"
        " rows_loaded bigint not null, rows_quarantined bigint not null,"
        " load_sequence bigint not null, ingested_at timestamp not null)"
    )
    connection.execute(
        "insert into raw.file_ledger values ('h1', 'agents', 'agents/a.csv', 10, 1, 1, 0, 1,"
        " timestamp '2026-06-01 09:00:00')"
    )

    ensure_raw_schema(connection)
    connection.execute(
        "insert into raw.file_ledger values ('h1', 'interactions', 'interactions/a.csv', 10,"
        " 1, 1, 0, 2, timestamp '2026-06-02 09:00:00')"
    )

    assert connection.execute(
        "select export, source_file from raw.file_ledger order by load_sequence"
    ).fetchall() == [("agents", "agents/a.csv"), ("interactions", "interactions/a.csv")]
    with pytest.raises(duckdb.ConstraintException):
        connection.execute(
            "insert into raw.file_ledger values ('h1', 'agents', 'agents/b.csv', 10, 1, 1, 0,"
            " 3, timestamp '2026-06-03 09:00:00')"
        )

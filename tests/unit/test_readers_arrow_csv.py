"""Large plain CSV files are read by Arrow's CSV parser (orchestration.ingest.readers): it
must give exactly the records, values and numbers the Python reader gives, and leave every
file it cannot read the same way (blank lines, records of the wrong width, bytes that are
not UTF-8, a byte-order mark, a field past the csv module's limit) to the Python reader."""

from __future__ import annotations

import csv

import pyarrow as pa
import pytest

from orchestration.ingest import readers

HEADER = '"interaction_id",channel,"queue, name",notes\r\n'


@pytest.fixture
def arrow_for_every_size(monkeypatch):
    """Arrow for files of any size, in blocks small enough to give several batches."""
    monkeypatch.setattr(readers, "ARROW_CSV_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "ARROW_CSV_BLOCK_BYTES", 256)


def read(path) -> tuple[list[dict], list[tuple]]:
    chunks = list(readers.iter_csv(path))
    rows = pa.concat_tables([chunk.table for chunk in chunks]).to_pylist()
    malformed = [
        (record.source_row, record.reason, record.raw_text, record.detail)
        for chunk in chunks
        for record in chunk.malformed
    ]
    return rows, malformed


def read_by_python(path, monkeypatch) -> tuple[list[dict], list[tuple]]:
    with monkeypatch.context() as patch:
        patch.setattr(readers, "ARROW_CSV_MIN_BYTES", float("inf"))
        return read(path)


PLAIN_RECORDS = [
    'I1,voice,"billing, refunds","said ""thanks"" twice"',
    "I2,chat,general,",  # an empty value is missing
    'I3,email,billing,"two\nlines"',  # a quoted line break (no blank line)
    'I4,voice,general,x"y',  # a quote inside an unquoted value is kept, as csv does
    'I5,social,"",café ☕',
    *[f"I{n},voice,queue {n},note {n}" for n in range(6, 60)],
]


def test_a_plain_file_is_read_by_arrow_as_written(tmp_path, arrow_for_every_size):
    path = tmp_path / "interactions.csv"
    path.write_bytes((HEADER + "\r\n".join(PLAIN_RECORDS)).encode())  # no final line break
    assert readers._plain_csv_header(path, "utf-8") == [
        "interaction_id", "channel", "queue, name", "notes"
    ]  # fmt: skip
    chunks = list(readers.iter_csv(path))
    assert len(chunks) > 1  # several Arrow batches, numbered on
    rows, malformed = read(path)
    assert malformed == []
    assert rows[:5] == [
        {"interaction_id": "I1", "channel": "voice", "queue_name": "billing, refunds",
         "notes": 'said "thanks" twice', "_source_row": 1},
        {"interaction_id": "I2", "channel": "chat", "queue_name": "general", "notes": None,
         "_source_row": 2},
        {"interaction_id": "I3", "channel": "email", "queue_name": "billing",
         "notes": "two\nlines", "_source_row": 3},
        {"interaction_id": "I4", "channel": "voice", "queue_name": "general", "notes": 'x"y',
         "_source_row": 4},
        {"interaction_id": "I5", "channel": "social", "queue_name": None, "notes": "café ☕",
         "_source_row": 5},
    ]  # fmt: skip
    assert [row["_source_row"] for row in rows] == list(range(1, len(PLAIN_RECORDS) + 1))


def test_arrow_and_python_read_a_plain_file_alike(tmp_path, arrow_for_every_size, monkeypatch):
    path = tmp_path / "interactions.csv"
    path.write_text(HEADER + "\n".join(PLAIN_RECORDS) + "\n", encoding="utf-8", newline="")
    assert readers._plain_csv_header(path, "utf-8") is not None
    assert read(path) == read_by_python(path, monkeypatch)


NOT_PLAIN = {
    "blank line": (HEADER + PLAIN_RECORDS[0] + "\r\n\r\n" + PLAIN_RECORDS[1]).encode(),
    "blank line in a quoted value": (HEADER + 'I1,voice,billing,"a\n\nb"\n').encode(),
    "short record": (HEADER + PLAIN_RECORDS[0] + "\nI2,chat\n" + PLAIN_RECORDS[1]).encode(),
    "long record": (HEADER + "I2,chat,general,x,extra\n" + PLAIN_RECORDS[1]).encode(),
    "bytes that are not UTF-8": HEADER.encode() + b"I1,voice,billing,caf\xe9\n",
    "byte-order mark": b"\xef\xbb\xbf" + (HEADER + PLAIN_RECORDS[1]).encode(),
    "header over two lines": (
        '"interaction\nid",channel,queue,notes\n' + PLAIN_RECORDS[1]
    ).encode(),
}


@pytest.mark.parametrize("case", sorted(NOT_PLAIN))
def test_a_file_arrow_would_read_otherwise_goes_to_the_python_reader(
    tmp_path, arrow_for_every_size, monkeypatch, case
):
    path = tmp_path / "interactions.csv"
    path.write_bytes(NOT_PLAIN[case])
    encoding = readers.file_encoding(path)
    assert readers._plain_csv_header(path, encoding) is None
    assert read(path) == read_by_python(path, monkeypatch)


def test_a_quote_left_open_runs_to_the_end_of_the_file_in_both_readers(
    tmp_path, arrow_for_every_size, monkeypatch
):
    path = tmp_path / "interactions.csv"
    path.write_text(HEADER + PLAIN_RECORDS[1] + '\nI9,voice,billing,"open\nI10,x,y,z\n')
    assert readers._plain_csv_header(path, "utf-8") is not None
    rows, _ = read(path)
    assert rows[-1]["notes"] == "open\nI10,x,y,z\n"
    assert read(path) == read_by_python(path, monkeypatch)


def test_a_field_past_the_csv_limit_leaves_the_file_to_the_python_reader(
    tmp_path, arrow_for_every_size, monkeypatch
):
    monkeypatch.setattr(readers, "ARROW_CSV_BLOCK_BYTES", 4096)  # a block holds a record
    path = tmp_path / "interactions.csv"
    path.write_text(HEADER + "I1,voice,billing," + "x" * 500 + "\n", encoding="utf-8")
    previous = csv.field_size_limit(400)
    try:
        assert readers._plain_csv_header(path, "utf-8") is None
        with pytest.raises(csv.Error):  # the Python reader's verdict: an unreadable file
            read(path)
    finally:
        csv.field_size_limit(previous)
    assert readers._plain_csv_header(path, "utf-8") is not None  # within the default limit


def test_small_files_keep_the_python_reader(tmp_path):
    path = tmp_path / "interactions.csv"
    path.write_text(HEADER + PLAIN_RECORDS[0] + "\n", encoding="utf-8")
    assert path.stat().st_size < readers.ARROW_CSV_MIN_BYTES
    assert readers._plain_csv_header(path, "utf-8") is None

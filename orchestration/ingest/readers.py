"""Read a landed file into columns of text, one record per row, numbered from 1.

Every value is kept as text so that the contract checks, not the reader, decide what
is wrong with a value; a line that cannot be read as a record is returned apart with
its raw text, so nothing is dropped.

A file is read in chunks of at most `CHUNK_ROWS` records (Parquet record batches, CSV
and JSONL blocks of lines), numbered on from one chunk to the next, so the memory a
reader holds does not grow with the size of the file.

Text files are UTF-8 unless a byte-order mark says UTF-8, UTF-16 or UTF-32, or the landing
folder's `encodings.yml` declares the export's encoding (e.g. `agents: cp1252`). Bytes the
encoding cannot decode never become replacement characters: the record that holds them is
returned apart (`bad_encoding`) with those bytes written as `\\xNN` escapes, so the original
bytes can be recovered from the quarantine. A file that cannot be read at all raises one of
READ_ERRORS, which the ingest turns into an `invalid_file` quarantine of the whole file.
"""

from __future__ import annotations

import codecs
import csv
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import yaml

# Records per chunk: Parquet batches are Arrow already; CSV and JSONL records pass through
# Python objects (about 1 KB per record with 20 fields), so their chunks are smaller.
CHUNK_ROWS = 1_000_000
TEXT_CHUNK_ROWS = 200_000

# CSV files from this size up are read by Arrow's CSV parser when they are plain (see
# `_plain_csv_header`): the same records and numbers as the Python reader, about ten times
# faster. Anything else, and every smaller file, goes through the Python reader, which says
# what is wrong with each record.
ARROW_CSV_MIN_BYTES = 8 * 2**20
ARROW_CSV_BLOCK_BYTES = 16 * 2**20


# What reading a file can raise when the file itself is broken (not a bug of ours): bytes
# that are not a Parquet file, an undecodable UTF-16 file, a CSV field past the size limit,
# a file gone or unreadable.
READ_ERRORS = (OSError, UnicodeError, csv.Error, pa.ArrowException)

# Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Undecodable bytes, as Python's `surrogateescape` error handler keeps them.
_UNDECODED = re.compile("[\udc80-\udcff]")


@dataclass
class MalformedRecord:
    source_row: int
    raw_text: str
    detail: str
    reason: str = "malformed_row"


@dataclass
class LandedFile:
    table: pa.Table  # text columns plus `_source_row` (1-based record number)
    malformed: list[MalformedRecord]

    @property
    def rows_in(self) -> int:
        return self.table.num_rows + len(self.malformed)


def normalise_column_name(name: str) -> str:
    """Column names are case-insensitive snake_case in the contract."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def _empty_as_null(array: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


def _text_table(columns: list[str], rows: list[list[str | None]], numbers: list[int]) -> pa.Table:
    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    arrays = {
        name: pa.array(values, type=pa.string())
        for name, values in zip(columns, transposed, strict=True)
    }
    arrays["_source_row"] = pa.array(numbers, type=pa.int64())
    return pa.table(arrays)


def _unique_names(raw_names: list[str]) -> list[str]:
    names, seen = [], set()
    for raw in raw_names:
        name = normalise_column_name(raw) or "unnamed"
        while name in seen:
            name += "_dup"
        seen.add(name)
        names.append(name)
    return names


def file_encoding(path: Path, declared: str | None = None) -> str:
    """The encoding to read a text file with: its byte-order mark's, else the declared one,
    else UTF-8."""
    with path.open("rb") as handle:
        start = handle.read(4)
    for mark, encoding in BYTE_ORDER_MARKS:
        if start.startswith(mark):
            return encoding
    return declared or "utf-8"


def undecodable(text: str, encoding: str) -> MalformedRecord | None:
    """A record holding bytes `encoding` could not decode, with those bytes as `\\xNN`
    escapes (row number 0: the caller sets it); None when the text decoded cleanly."""
    found = _UNDECODED.search(text)
    if found is None:
        return None
    raw = text.encode(encoding, "surrogateescape").decode(encoding, "backslashreplace")
    byte = ord(found.group()) - 0xDC00
    return MalformedRecord(
        0,
        raw,
        f"bytes that are not {encoding} (the first is 0x{byte:02x} at character"
        f" {found.start() + 1}); declare the export's encoding in the landing folder's"
        " encodings.yml if its files are not UTF-8",
        "bad_encoding",
    )


ENCODINGS_FILE = "encodings.yml"


def declared_encoding(landing_dir: Path, export: str) -> str | None:
    """The text encoding the landing folder's encodings.yml declares for an export (a
    mapping such as `agents: cp1252`), if any. A declaration Python does not know is an
    error of the set-up, not of a file: it stops the export's ingest with this message."""
    path = landing_dir / ENCODINGS_FILE
    if not path.is_file():
        return None
    declared = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(declared, dict):
        raise ValueError(f"{path}: line 1: expected a mapping of export to encoding")
    encoding = declared.get(export)
    if encoding is None:
        return None
    try:
        return codecs.lookup(str(encoding)).name
    except LookupError as error:
        raise ValueError(
            f"{path}: {export}: unknown encoding {encoding!r} (use a Python codec name such"
            " as utf-8, cp1252, latin-1, utf-16)"
        ) from error


def escaped_text(path: Path) -> str:
    """A whole file as UTF-8 text, any byte that is not UTF-8 written as a `\\xNN` escape."""
    return path.read_bytes().decode("utf-8", "backslashreplace")


def _open_text(path: Path, encoding: str):
    # surrogateescape keeps undecodable bytes (as lone surrogates) for `undecodable`.
    return path.open(newline="", encoding=encoding, errors="surrogateescape")


def _arrow_csv_batches(path: Path, width: int) -> Iterator[pa.RecordBatch]:
    """The records after the header as Arrow batches of `width` text columns; a record of
    another width raises pa.ArrowInvalid."""
    names = [f"f{index}" for index in range(width)]
    return pa_csv.open_csv(
        path,
        read_options=pa_csv.ReadOptions(
            column_names=names, skip_rows=1, block_size=ARROW_CSV_BLOCK_BYTES
        ),
        parse_options=pa_csv.ParseOptions(
            newlines_in_values=True, invalid_row_handler=lambda _row: "error"
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
        ),
    )


def _has_blank_line(path: Path) -> bool:
    """Whether the file holds an empty line (or one that starts with a carriage return),
    quoted or not: the Python reader numbers blank lines, Arrow skips them."""
    previous = b""
    with path.open("rb") as handle:
        while block := handle.read(ARROW_CSV_BLOCK_BYTES * 4):
            joined = previous + block
            if b"\n\n" in joined or b"\r\r" in joined or b"\n\r" in joined:
                return True
            previous = block[-1:]
    return False


def _plain_csv_header(path: Path, encoding: str) -> list[str] | None:
    """The header of a CSV file Arrow reads exactly as the Python reader does, else None.

    Plain means: UTF-8 without a byte-order mark, a header on one line, no blank line, every
    record as wide as the header, valid UTF-8 throughout and no field past Python's csv
    field limit (the Python reader turns those into malformed records or an unreadable
    file). Checked by one pass of Arrow's parser, whose batches are dropped.
    """
    if encoding != "utf-8" or path.stat().st_size < ARROW_CSV_MIN_BYTES:
        return None
    with path.open("rb") as handle:
        first_line = handle.readline()
    if first_line.count(b'"') % 2 or not first_line.strip(b"\r\n") or _has_blank_line(path):
        return None
    try:
        header = next(csv.reader([first_line.decode("utf-8")]))
    except UnicodeDecodeError:
        return None
    limit = csv.field_size_limit()
    try:
        for batch in _arrow_csv_batches(path, len(header)):
            for column in batch.columns:
                if (pc.max(pc.utf8_length(column)).as_py() or 0) >= limit:
                    return None
    except pa.ArrowException:  # whatever Arrow cannot read, the Python reader judges
        return None
    return header


def _iter_arrow_csv(path: Path, header: list[str]) -> Iterator[LandedFile]:
    columns = _unique_names(header)
    first_row = 1
    for batch in _arrow_csv_batches(path, len(header)):
        arrays = {
            name: _empty_as_null(column)
            for name, column in zip(columns, batch.columns, strict=True)
        }
        arrays["_source_row"] = pa.array(
            range(first_row, first_row + batch.num_rows), type=pa.int64()
        )
        first_row += batch.num_rows
        yield LandedFile(pa.table(arrays), [])
    if first_row == 1:
        yield LandedFile(_text_table(columns, [], []), [])


def iter_csv(
    path: Path, chunk_rows: int | None = None, encoding: str | None = None
) -> Iterator[LandedFile]:
    chunk_rows = chunk_rows or TEXT_CHUNK_ROWS
    encoding = file_encoding(path, encoding)
    plain_header = _plain_csv_header(path, encoding)
    if plain_header is not None:
        yield from _iter_arrow_csv(path, plain_header)
        return
    with _open_text(path, encoding) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            yield LandedFile(_text_table([], [], []), [])
            return
        columns = _unique_names(header)
        width = len(columns)
        records = enumerate(reader, start=1)
        while True:
            block = list(islice(records, chunk_rows))
            rows: list[list[str]] = []
            numbers: list[int] = []
            malformed: list[MalformedRecord] = []
            for number, fields in block:
                if len(fields) != width:
                    if not fields:  # a blank line is not a record
                        continue
                    malformed.append(
                        MalformedRecord(
                            number,
                            ",".join(fields),
                            f"{len(fields)} fields where the header has {width}",
                        )
                    )
                    continue
                bad = undecodable("\x1f".join(fields), encoding)
                if bad is not None:
                    bad.source_row, bad.raw_text = number, bad.raw_text.replace("\x1f", ",")
                    malformed.append(bad)
                    continue
                rows.append(fields)
                numbers.append(number)
            table = _text_table(columns, rows, numbers)
            # '' is a missing value: one vectorised pass per column, not one test per value.
            for index, name in enumerate(columns):
                table = table.set_column(index, name, _empty_as_null(table.column(name)))
            yield LandedFile(table, malformed)
            if len(block) < chunk_rows:
                return


def _as_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join("" if item is None else str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def iter_jsonl(
    path: Path, chunk_rows: int | None = None, encoding: str | None = None
) -> Iterator[LandedFile]:
    """JSONL chunks. A chunk has the columns of its own records (in order of first
    appearance); a later chunk may bring a column an earlier one did not have."""
    chunk_rows = chunk_rows or TEXT_CHUNK_ROWS
    encoding = file_encoding(path, encoding)
    with _open_text(path, encoding) as handle:
        lines = enumerate(handle, start=1)
        while True:
            block = list(islice(lines, chunk_rows))
            records: list[dict] = []
            numbers: list[int] = []
            malformed: list[MalformedRecord] = []
            for number, line in block:
                if not line.strip():
                    continue
                bad = undecodable(line.rstrip("\r\n"), encoding)
                if bad is not None:
                    bad.source_row = number
                    malformed.append(bad)
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    malformed.append(
                        MalformedRecord(number, line.rstrip("\n"), f"not JSON: {error.msg}")
                    )
                    continue
                if not isinstance(record, dict):
                    malformed.append(
                        MalformedRecord(number, line.rstrip("\n"), "not a JSON object")
                    )
                    continue
                records.append({normalise_column_name(key): value for key, value in record.items()})
                numbers.append(number)
            columns: dict[str, None] = {}
            for record in records:
                columns.update(dict.fromkeys(record))
            rows = [[_as_text(record.get(name)) for name in columns] for record in records]
            yield LandedFile(_text_table(list(columns), rows, numbers), malformed)
            if len(block) < chunk_rows:
                return


def _column_as_text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    if pa.types.is_boolean(column.type):
        return pc.if_else(column, "true", "false")
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return pa.array([_as_text(value) for value in column.to_pylist()], type=pa.string())
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        return pc.strftime(column, format="%Y-%m-%dT%H:%M:%S%z")
    return column.cast(pa.string())


def iter_parquet(
    path: Path, chunk_rows: int | None = None, encoding: str | None = None
) -> Iterator[LandedFile]:
    del encoding  # Parquet strings are UTF-8 by the format's definition
    chunk_rows = chunk_rows or CHUNK_ROWS
    source = pq.ParquetFile(path)
    names = [normalise_column_name(name) for name in source.schema_arrow.names]
    first_row = 1
    batches = source.iter_batches(batch_size=chunk_rows)
    batch = next(batches, None)
    if batch is None:  # no rows: the columns still count (absent ones are added as empty)
        schema = source.schema_arrow
        empty = [pa.array([], type=field.type) for field in schema]
        batches, batch = iter(()), pa.record_batch(empty, names=schema.names)
    while batch is not None:
        arrays = {
            name: _column_as_text(column) for name, column in zip(names, batch.columns, strict=True)
        }
        arrays["_source_row"] = pa.array(
            range(first_row, first_row + batch.num_rows), type=pa.int64()
        )
        first_row += batch.num_rows
        yield LandedFile(pa.table(arrays), [])
        batch = next(batches, None)


READERS = {".csv": iter_csv, ".jsonl": iter_jsonl, ".parquet": iter_parquet}


def iter_landed_file(
    path: Path, chunk_rows: int | None = None, encoding: str | None = None
) -> Iterator[LandedFile]:
    """The file's records in chunks (at least one chunk, with the file's columns, even when
    it holds no record); `_source_row` and malformed line numbers run on across chunks.
    `encoding` is the export's declared text encoding (a byte-order mark overrides it)."""
    try:
        reader = READERS[path.suffix.lower()]
    except KeyError as error:
        raise ValueError(
            f"{path}: unsupported file type (expected .csv, .jsonl or .parquet)"
        ) from error
    return reader(path, chunk_rows, encoding)


def read_landed_file(path: Path) -> LandedFile:
    """The whole file at once (small files, tests): the chunks put together."""
    chunks = list(iter_landed_file(path))
    tables = [chunk.table for chunk in chunks]
    table = pa.concat_tables(tables, promote_options="default") if tables else pa.table({})
    return LandedFile(table, [record for chunk in chunks for record in chunk.malformed])

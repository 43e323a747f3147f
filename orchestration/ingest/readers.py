"""Read a landed file into columns of text, one record per row, numbered from 1.

Every value is kept as text so that the contract checks, not the reader, decide what
is wrong with a value; a line that cannot be read as a record is returned apart with
its raw text, so nothing is dropped.

A file is read in chunks of at most `CHUNK_ROWS` records (Parquet record batches, CSV
and JSONL blocks of lines), numbered on from one chunk to the next, so the memory a
reader holds does not grow with the size of the file.
"""

from __future__ import annotations

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
import pyarrow.parquet as pq

# Records per chunk: Parquet batches are Arrow already; CSV and JSONL records pass through
# Python objects (about 1 KB per record with 20 fields), so their chunks are smaller.
CHUNK_ROWS = 1_000_000
TEXT_CHUNK_ROWS = 200_000


@dataclass
class MalformedRecord:
    source_row: int
    raw_text: str
    detail: str


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


def iter_csv(path: Path, chunk_rows: int | None = None) -> Iterator[LandedFile]:
    chunk_rows = chunk_rows or TEXT_CHUNK_ROWS
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
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


def iter_jsonl(path: Path, chunk_rows: int | None = None) -> Iterator[LandedFile]:
    """JSONL chunks. A chunk has the columns of its own records (in order of first
    appearance); a later chunk may bring a column an earlier one did not have."""
    chunk_rows = chunk_rows or TEXT_CHUNK_ROWS
    with path.open(encoding="utf-8", errors="replace") as handle:
        lines = enumerate(handle, start=1)
        while True:
            block = list(islice(lines, chunk_rows))
            records: list[dict] = []
            numbers: list[int] = []
            malformed: list[MalformedRecord] = []
            for number, line in block:
                if not line.strip():
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


def iter_parquet(path: Path, chunk_rows: int | None = None) -> Iterator[LandedFile]:
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


def iter_landed_file(path: Path, chunk_rows: int | None = None) -> Iterator[LandedFile]:
    """The file's records in chunks (at least one chunk, with the file's columns, even when
    it holds no record); `_source_row` and malformed line numbers run on across chunks."""
    try:
        reader = READERS[path.suffix.lower()]
    except KeyError as error:
        raise ValueError(
            f"{path}: unsupported file type (expected .csv, .jsonl or .parquet)"
        ) from error
    return reader(path, chunk_rows)


def read_landed_file(path: Path) -> LandedFile:
    """The whole file at once (small files, tests): the chunks put together."""
    chunks = list(iter_landed_file(path))
    tables = [chunk.table for chunk in chunks]
    table = pa.concat_tables(tables, promote_options="default") if tables else pa.table({})
    return LandedFile(table, [record for chunk in chunks for record in chunk.malformed])

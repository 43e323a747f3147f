"""Read a landed file into columns of text, one record per row, numbered from 1.

Every value is kept as text so that the contract checks, not the reader, decide what
is wrong with a value; a line that cannot be read as a record is returned apart with
its raw text, so nothing is dropped.
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


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


def _text_table(columns: list[str], rows: list[list[str | None]], numbers: list[int]) -> pa.Table:
    arrays = {
        name: pa.array([row[index] for row in rows], type=pa.string())
        for index, name in enumerate(columns)
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


def read_csv(path: Path) -> LandedFile:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return LandedFile(_text_table([], [], []), [])
        columns = _unique_names(header)
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        malformed: list[MalformedRecord] = []
        for number, fields in enumerate(reader, start=1):
            if len(fields) != len(columns):
                if not fields:  # a blank line is not a record
                    continue
                malformed.append(
                    MalformedRecord(
                        number,
                        ",".join(fields),
                        f"{len(fields)} fields where the header has {len(columns)}",
                    )
                )
                continue
            rows.append([value if value != "" else None for value in fields])
            numbers.append(number)
    return LandedFile(_text_table(columns, rows, numbers), malformed)


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


def read_jsonl(path: Path) -> LandedFile:
    records: list[dict] = []
    numbers: list[int] = []
    malformed: list[MalformedRecord] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
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
                malformed.append(MalformedRecord(number, line.rstrip("\n"), "not a JSON object"))
                continue
            records.append({normalise_column_name(key): value for key, value in record.items()})
            numbers.append(number)
    columns: list[str] = []
    for record in records:
        columns.extend(name for name in record if name not in columns)
    rows = [[_as_text(record.get(name)) for name in columns] for record in records]
    return LandedFile(_text_table(columns, rows, numbers), malformed)


def _column_as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    if pa.types.is_boolean(column.type):
        return pc.if_else(column, "true", "false")
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return pa.chunked_array(
            [pa.array([_as_text(value) for value in column.to_pylist()], type=pa.string())]
        )
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        return pc.strftime(column, format="%Y-%m-%dT%H:%M:%S%z")
    return column.cast(pa.string())


def read_parquet(path: Path) -> LandedFile:
    source = pq.read_table(path)
    arrays = {
        normalise_column_name(name): _column_as_text(source.column(name))
        for name in source.column_names
    }
    arrays["_source_row"] = pa.array(range(1, source.num_rows + 1), type=pa.int64())
    return LandedFile(pa.table(arrays), [])


READERS = {".csv": read_csv, ".jsonl": read_jsonl, ".parquet": read_parquet}


def read_landed_file(path: Path) -> LandedFile:
    try:
        reader = READERS[path.suffix.lower()]
    except KeyError as error:
        raise ValueError(
            f"{path}: unsupported file type (expected .csv, .jsonl or .parquet)"
        ) from error
    return reader(path)

"""Write export frames as the landing contract's files: text values, exact row numbers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.contract import TABULAR_EXPORTS


@dataclass
class ExportFile:
    """One landing file as text columns, plus the rows to write as malformed lines."""

    export: str
    name: str  # relative to the landing folder, e.g. interactions/interactions_0001.csv
    frame: pd.DataFrame
    malformed: set[int] = field(default_factory=set)  # 0-based row positions

    @property
    def file_format(self) -> str:
        return Path(self.name).suffix.lstrip(".")


def as_text(frame: pd.DataFrame, export: str) -> pd.DataFrame:
    """Contract columns, in contract order, as strings ('' for missing)."""
    columns = {}
    for column in TABULAR_EXPORTS[export].columns:
        values = frame[column.name] if column.name in frame else pd.Series([None] * len(frame))
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif pd.api.types.is_bool_dtype(values):
            text = values.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(values):
            text = values.round().astype("Int64").astype(str)
        else:
            text = values.astype(object).where(pd.notna(values), "").astype(str)
        columns[column.name] = text.fillna("").replace("<NA>", "").to_numpy(dtype=object)
    return pd.DataFrame(columns)


def _write_csv(file: ExportFile, path: Path) -> None:
    lines = file.frame.to_csv(index=False, lineterminator="\n").split("\n")
    for row in file.malformed:  # line 0 is the header
        lines[row + 1] = ",".join(lines[row + 1].split(",")[:2])
    path.write_text("\n".join(lines), encoding="utf-8")


def _write_jsonl(file: ExportFile, path: Path) -> None:
    columns = list(file.frame.columns)
    with path.open("w", encoding="utf-8", newline="") as handle:  # a line at a time
        for row, values in enumerate(file.frame.itertuples(index=False)):
            line = json.dumps(
                {name: value or None for name, value in zip(columns, values, strict=True)}
            )
            handle.write((line[: len(line) // 2] if row in file.malformed else line) + "\n")


def parquet_table(export: str, frame: pd.DataFrame) -> pa.Table:
    """A text frame as the Parquet an export system writes: integers typed, the rest text."""
    arrays = {}
    for column in TABULAR_EXPORTS[export].columns:
        values = frame[column.name].replace("", None)
        if column.kind == "integer":
            arrays[column.name] = pa.array(pd.to_numeric(values).astype("Int64"), pa.int64())
        else:
            arrays[column.name] = pa.array(values, pa.string())
    return pa.table(arrays)


def _write_parquet(file: ExportFile, path: Path) -> None:
    pq.write_table(parquet_table(file.export, file.frame), path, compression="zstd")


def write_export_chunks(
    export: str, name: str, chunks: Iterable[pd.DataFrame], landing: Path
) -> int:
    """Append text frames (from `as_text`) to one CSV or Parquet file, one chunk in memory at a
    time; return the rows written."""
    path = landing / name
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    if path.suffix == ".parquet":
        writer = None
        try:
            for chunk in chunks:
                table = parquet_table(export, chunk)
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema, compression="zstd")
                writer.write_table(table)
                rows += len(chunk)
        finally:
            if writer is not None:
                writer.close()
        if writer is None:  # no chunk: an empty file with the contract's columns
            pq.write_table(parquet_table(export, as_text(pd.DataFrame(), export)), path)
        return rows
    with path.open("w", encoding="utf-8", newline="") as handle:
        header = True
        for chunk in chunks:
            handle.write(chunk.to_csv(index=False, header=header, lineterminator="\n"))
            header = False
            rows += len(chunk)
        if header:
            handle.write(",".join(column.name for column in TABULAR_EXPORTS[export].columns))
    return rows


WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}


def write_export_file(file: ExportFile, landing: Path) -> int:
    path = landing / file.name
    path.parent.mkdir(parents=True, exist_ok=True)
    WRITERS[file.file_format](file, path)
    return len(file.frame)

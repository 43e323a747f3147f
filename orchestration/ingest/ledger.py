"""The file ledger: each landed file is ingested once, identified by its content hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass
class FileOutcome:
    export: str
    source_file: str
    file_hash: str
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    skipped_as_known: bool = False


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_known(connection: duckdb.DuckDBPyConnection, file_hash: str) -> bool:
    found = connection.execute(
        "select count(*) from raw.file_ledger where file_hash = ?", [file_hash]
    ).fetchall()
    return bool(found[0][0])


def next_load_sequence(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute("select coalesce(max(load_sequence), 0) + 1 from raw.file_ledger")
    return int(row.fetchall()[0][0])


def record(
    connection: duckdb.DuckDBPyConnection, outcome: FileOutcome, file_bytes: int, sequence: int
) -> None:
    if outcome.rows_in != outcome.rows_loaded + outcome.rows_quarantined:
        raise RuntimeError(
            f"{outcome.source_file}: {outcome.rows_in} rows in but {outcome.rows_loaded} loaded"
            f" + {outcome.rows_quarantined} quarantined; refusing to record a file that loses rows"
        )
    connection.execute(
        "insert into raw.file_ledger values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp)",
        [
            outcome.file_hash,
            outcome.export,
            outcome.source_file,
            file_bytes,
            outcome.rows_in,
            outcome.rows_loaded,
            outcome.rows_quarantined,
            sequence,
        ],
    )


def landed_files(landing_dir: Path, export: str, suffixes: tuple[str, ...]) -> list[Path]:
    folder = landing_dir / export
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.iterdir() if path.is_file() and path.suffix.lower() in suffixes
    )


def relative_name(landing_dir: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(landing_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()

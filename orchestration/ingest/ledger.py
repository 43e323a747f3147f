"""The file ledger: each landed file is ingested once per export, identified by the export
and its content hash (the same bytes first dropped into the wrong export folder, all rows
quarantined there, and then moved to the right one are ingested again, for that export)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest.redaction import redact_text


@dataclass
class FileOutcome:
    export: str
    source_file: str
    file_hash: str
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    skipped_as_known: bool = False
    load_sequence: int | None = None
    unreadable: str | None = None  # the reader's message when the file could not be read

    @property
    def is_empty(self) -> bool:
        """A new file without a single record (0 bytes, or a header only)."""
        return not self.skipped_as_known and self.unreadable is None and self.rows_in == 0

    def line(self) -> str:
        """What happened to the file, in one line that starts with its name."""
        if self.skipped_as_known:
            return f"{self.source_file}: already ingested, skipped"
        if self.unreadable is not None:
            return f"{self.source_file}: invalid_file, quarantined whole: {self.unreadable}"
        if self.is_empty:
            return f"{self.source_file}: empty (no records), nothing loaded"
        return (
            f"{self.source_file}: {self.rows_in} rows in, {self.rows_loaded} loaded,"
            f" {self.rows_quarantined} quarantined"
        )


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_known(connection: duckdb.DuckDBPyConnection, export: str, file_hash: str) -> bool:
    found = connection.execute(
        "select count(*) from raw.file_ledger where export = ? and file_hash = ?",
        [export, file_hash],
    ).fetchall()
    return bool(found[0][0])


def next_load_sequence(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute("select coalesce(max(load_sequence), 0) + 1 from raw.file_ledger")
    return int(row.fetchall()[0][0])


@contextlib.contextmanager
def file_transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[int]:
    """One file's transaction, yielding its load sequence: committed when the block ends,
    rolled back (nothing of the file kept) when it raises."""
    connection.execute("begin transaction")
    try:
        yield next_load_sequence(connection)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise


def quarantine_file(
    connection: duckdb.DuckDBPyConnection, outcome: FileOutcome, path: Path, sequence: int
) -> None:
    """Quarantine a file that cannot be read as a whole (`invalid_file`, the reader's message
    as detail) and record it, so later runs skip it instead of failing on it again. It counts
    as one record in and one quarantined."""
    outcome.rows_in, outcome.rows_loaded, outcome.rows_quarantined = 1, 0, 1
    connection.execute(
        "insert into raw.quarantine values"
        " (?, ?, null, ?, 'invalid_file', ?, null, ?, current_timestamp::timestamp)",
        [
            outcome.export,
            outcome.source_file,
            outcome.file_hash,
            redact_text(outcome.unreadable or ""),
            sequence,
        ],
    )
    record(connection, outcome, path.stat().st_size, sequence)


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
    outcome.load_sequence = sequence


def landed_files(landing_dir: Path, export: str, suffixes: tuple[str, ...]) -> list[Path]:
    folder = landing_dir / export
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.iterdir() if path.is_file() and path.suffix.lower() in suffixes
    )


def ignored_files(landing_dir: Path, export: str, suffixes: tuple[str, ...]) -> list[Path]:
    """Files in an export's folder that are not of its types (a `.tsv`, a `.json`): not
    ingested, but reported. Hidden files (`.gitkeep`, `.DS_Store`) are not reported."""
    folder = landing_dir / export
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() not in suffixes
    )


def relative_name(landing_dir: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(landing_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()

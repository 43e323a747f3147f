"""Publish the build file as the served warehouse, atomically, and read it.

Readers (dashboards, analysts) open the published file read-only with short-lived
connections. The copy is written beside it and renamed over it, so a reader sees either
the old file or the new one, never a half-written one; a failed run never gets here.
DuckDB 2.0 opens a file by its path three times while connecting (to sniff, to read the
headers, for the blocks): a connection made at the instant of the rename can read the old
file's headers and the new file's blocks and fail with an IO error. `read_published`, which
the dashboards use, then connects again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

PUBLISHED_MODE = 0o444
# Connections made again when the file was replaced during one: a publication takes
# seconds, so a second attempt meets a settled file.
READ_ATTEMPTS = 3
Result = TypeVar("Result")


def publish_warehouse(build_path: Path, published_path: Path) -> Path:
    with duckdb.connect(str(build_path)) as connection:
        connection.execute("checkpoint")
    published_path.parent.mkdir(parents=True, exist_ok=True)
    staging_copy = published_path.with_name(f".{published_path.name}.publishing")
    # A run killed while copying left its partial copy: never renamed into place, removed.
    staging_copy.unlink(missing_ok=True)
    shutil.copyfile(build_path, staging_copy)
    with open(staging_copy, "rb") as handle:
        os.fsync(handle.fileno())
    # Read-only for everyone (0444): analysts' tools cannot change what the checks passed;
    # the next publish renames over it (that needs the folder writable, not the file).
    os.chmod(staging_copy, PUBLISHED_MODE)
    os.replace(staging_copy, published_path)
    return published_path


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_mtime_ns


def read_published(
    path: Path,
    read: Callable[[duckdb.DuckDBPyConnection], Result],
    unreadable: Callable[[duckdb.Error], Exception] | None = None,
) -> Result:
    """`read(connection)` on a read-only connection to the published file. When it fails
    and the file at `path` was replaced meanwhile (a publication), it is done again on the
    new file; any other error is raised, a failure to connect as `unreadable(error)` when
    given."""
    for attempt in range(1, READ_ATTEMPTS + 1):
        identity = _identity(path)
        settled = attempt == READ_ATTEMPTS
        try:
            connection = duckdb.connect(str(path), read_only=True)
        except duckdb.Error as error:
            if settled or _identity(path) == identity:
                raise (unreadable(error) if unreadable else error) from error
            continue
        with connection:
            try:
                return read(connection)
            except duckdb.Error:
                if settled or _identity(path) == identity:
                    raise
    raise AssertionError("unreachable")  # the last attempt returns or raises

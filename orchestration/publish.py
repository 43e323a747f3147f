"""Publish the build file as the served warehouse, atomically.

Readers (dashboards, analysts) open the published file read-only with short-lived
connections. The copy is written beside it and renamed over it, so a reader sees either
the old file or the new one, never a half-written one; a failed run never gets here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

PUBLISHED_MODE = 0o444


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

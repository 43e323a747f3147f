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


def publish_warehouse(build_path: Path, published_path: Path) -> Path:
    with duckdb.connect(str(build_path)) as connection:
        connection.execute("checkpoint")
    published_path.parent.mkdir(parents=True, exist_ok=True)
    staging_copy = published_path.with_name(f".{published_path.name}.publishing")
    shutil.copyfile(build_path, staging_copy)
    with open(staging_copy, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging_copy, published_path)
    return published_path

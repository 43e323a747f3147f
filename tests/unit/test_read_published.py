"""Reading the published file while a publication renames a new one over it: DuckDB 2.0
opens the path three times while connecting, so a connection made at that instant can mix
the two files and fail. `read_published` (what the dashboards read through) connects again
when the file was replaced; other errors are raised at once. The real race, 20 readers
during a run: tests/faults/test_fault_injection.py."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration import publish


def warehouse(path: Path, label: str) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create table t as select '{label}' as label")
    return path


def labels(connection: duckdb.DuckDBPyConnection) -> list[tuple[str]]:
    return connection.execute("select label from t").fetchall()


def test_a_connection_that_meets_a_publication_is_made_again(tmp_path, monkeypatch):
    published = warehouse(tmp_path / "qm.duckdb", "old")
    build = warehouse(tmp_path / "qm.build.duckdb", "new")
    real_connect, calls = duckdb.connect, []

    def connect_during_publication(path, read_only=False):
        if not read_only:  # the publication's own checkpoint of the build file
            return real_connect(path)
        calls.append(path)
        if len(calls) == 1:  # the rename lands between DuckDB's opens of the path
            publish.publish_warehouse(build, published)
            raise duckdb.IOException('Could not read enough bytes from file "qm.duckdb"')
        return real_connect(path, read_only=read_only)

    monkeypatch.setattr(publish.duckdb, "connect", connect_during_publication)
    assert publish.read_published(published, labels) == [("new",)]
    assert len(calls) == 2


def test_a_failure_without_a_publication_is_raised_at_once(tmp_path, monkeypatch):
    published = warehouse(tmp_path / "qm.duckdb", "old")
    with pytest.raises(duckdb.CatalogException):
        publish.read_published(published, lambda c: c.execute("select * from missing"))
    not_duckdb = tmp_path / "not.duckdb"
    not_duckdb.write_bytes(b"x" * 8192)
    with pytest.raises(LookupError, match="unreadable"):
        publish.read_published(not_duckdb, labels, lambda error: LookupError("unreadable"))
    calls = []
    monkeypatch.setattr(publish.duckdb, "connect", lambda *a, **k: calls.append(a) or 1 / 0)
    with pytest.raises(ZeroDivisionError):
        publish.read_published(published, labels)
    assert len(calls) == 1

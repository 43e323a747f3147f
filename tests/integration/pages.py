"""Helpers of the page tests: a dashboard view run through AppTest on a warehouse, and a
query of that warehouse for what the view should show."""

from __future__ import annotations

from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

VIEWS = Path(__file__).resolve().parents[2] / "dashboards" / "views"


def page(monkeypatch, warehouse, name: str, **query) -> AppTest:
    """Run dashboards/views/<name> on `warehouse` with `query` as the URL's parameters."""
    monkeypatch.setenv("QM_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(str(VIEWS / name), default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def fetch(warehouse, sql: str, *params):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, list(params)).df()

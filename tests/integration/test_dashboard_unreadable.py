"""A published file DuckDB cannot open (0 bytes, or not a DuckDB file at all) gives every
page one message saying which file and what to do, instead of a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow
APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
VIEWS = sorted(path.name for path in (APP.parent / "views").glob("*.py"))

# What DuckDB says about a file that is not one of its databases (its documented check of
# the file header), and what the page adds.
NOT_DUCKDB = "is not a DuckDB warehouse"
DUCKDB_REASON = "exists, but it is not a valid DuckDB database file"


def unreadable_warehouse(folder: Path, kind: str) -> Path:
    path = folder / "qm.duckdb"
    if kind == "empty":
        path.write_bytes(b"")
    else:
        path.write_text("team_id,team_name\nT01,Comet\n", encoding="utf-8")
    return path


def shown_errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


@pytest.mark.parametrize("kind", ["empty", "text"])
@pytest.mark.parametrize("view", VIEWS)
def test_every_page_says_the_published_file_is_not_a_duckdb_warehouse(
    monkeypatch, tmp_path, kind, view
):
    warehouse = unreadable_warehouse(tmp_path, kind)
    monkeypatch.setenv("QM_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.switch_page(f"views/{view}")
    app.run()
    assert not app.exception, app.exception
    [message] = shown_errors(app)
    # Markdown-escaped in the page (charts.plain): compare without the escapes.
    text = message.replace("\\", "")
    assert text.startswith(f"{warehouse} {NOT_DUCKDB} (")
    assert DUCKDB_REASON in text
    assert text.endswith("rebuild it with `qm run`")


def test_a_missing_warehouse_still_gets_the_pages_own_message(monkeypatch, tmp_path):
    monkeypatch.setenv("QM_WAREHOUSE", str(tmp_path / "qm.duckdb"))
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception
    [message] = shown_errors(app)
    assert "No published warehouse at" in message

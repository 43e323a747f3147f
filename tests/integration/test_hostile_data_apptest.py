"""Hostile values landed in the exports stay data in the pages (issue 21 item 3).

The `planted_run` landing set (tests/planted_landing.py) holds a team name that is a
spreadsheet formula, a process change id `=2+3`, agent names starting with `@` and with a tab
then `=`, and Markdown and HTML (outside images, links, a script) in a change description, a
transcript turn and evaluators' comments. Every page runs through AppTest on the warehouse
published from it; the bytes of every download button are caught as Streamlit stores them
and read back with the csv module: no cell may start with a formula character (OWASP "CSV
Injection": = + - @ tab CR, also after leading blanks) unless it is a number. Every Markdown
text a page shows is checked for the planted Markdown and HTML in working form.
"""

from __future__ import annotations

import csv
import io
import math
import re

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from tests.integration.pages import fetch, page
from tests.planted_landing import (
    FORMULA_VALUES,
    HOSTILE_CHANGE_ID,
    HOSTILE_MARKUP,
    HOSTILE_TEAM_ID,
)

pytestmark = pytest.mark.slow

# Written from OWASP's list, not from dashboards.charts.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The planted Markdown and HTML in working form: none may reach a Markdown element.
LIVE_MARKUP = ("![x](", "[click here](", "<img", "<script", "**bold**", "&lt;")
# A bare address Markdown would link: not kept apart by a word joiner (U+2060) before it.
BARE_ADDRESS = re.compile(r"(?i)(?<!\u2060)(?:https?\\?:|www\\?\.)")


@pytest.fixture(scope="module")
def published(planted_run):
    assert planted_run.published.exists(), planted_run.output[-3000:]
    return planted_run.published


def hostile_contact(published) -> str:
    [(interaction_id,)] = fetch(
        published,
        "select distinct interaction_id from marts.fct_transcript_turns"
        " where turn_text like '%evil.example/pixel%'",
    ).itertuples(index=False)
    return interaction_id


def page_runs(published) -> list[tuple[str, dict]]:
    """Every view, and the views that show the planted values when asked for them."""
    return [
        ("quality_overview.py", {}),
        ("quality_overview.py", {"team": HOSTILE_TEAM_ID}),
        ("needs_attention.py", {}),
        ("control_chart.py", {}),
        ("control_chart.py", {"metric": "qa_score", "grain": "day", "segment_kind": "team",
                              "segment_value": HOSTILE_TEAM_ID}),
        ("scorecards.py", {"grain": "week"}),
        ("scorecards.py", {"agent_id": "A0003"}),
        ("coaching.py", {}),
        ("customer.py", {}),
        ("calibration.py", {}),
        ("interactions.py", {}),
        ("interactions.py", {"interaction_id": hostile_contact(published)}),
        ("data_health.py", {}),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def rendered(published):
    """(page, downloads {file name: bytes}, Markdown texts) of every page run."""
    stored: list[tuple[str | None, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes):
            stored.append((filename, path_or_data))
        return original(self, path_or_data, mimetype, kind, filename)

    runs = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
        for name, query in page_runs(published):
            stored.clear()
            app = page(monkeypatch, published, name, **query)
            assert not app.exception, (name, query, app.exception)
            buttons = app.get("download_button")
            downloads = {filename: data for filename, data in stored}
            assert len(downloads) >= len(buttons) - 1, (name, len(buttons))  # Data Docs zip
            texts = [element.value for kind in ("markdown", "caption", "info", "warning",
                                                "error", "success", "subheader", "title")
                     for element in app.get(kind) if isinstance(element.value, str)]  # fmt: skip
            texts += [expander.label for expander in app.expander]
            runs.append((f"{name} {query}", downloads, texts))
    return runs


def is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode())) for cell in row]


def test_no_download_cell_starts_a_formula(rendered):
    unsafe = [
        (where, filename, cell[:60])
        for where, downloads, _ in rendered
        for filename, data in downloads.items()
        if filename and filename.endswith(".csv")
        for cell in cells(data)
        if cell.lstrip(" \u00a0").startswith(TRIGGERS) and not is_number(cell)
    ]
    assert not unsafe, unsafe[:10]


def test_the_planted_formulas_reach_the_downloads_as_text(rendered):
    every_cell = {
        cell
        for _, downloads, _ in rendered
        for filename, data in downloads.items()
        if filename and filename.endswith(".csv")
        for cell in cells(data)
    }
    for value in FORMULA_VALUES:
        assert "'" + value in every_cell, value
    # The SPC stage label starts with the change id: neutralised as a whole.
    assert any(cell.startswith("'" + HOSTILE_CHANGE_ID + ":") for cell in every_cell)


def test_pages_show_planted_markdown_and_html_only_as_text(rendered):
    live = [
        (where, text[:120])
        for where, _, texts in rendered
        for text in texts
        if any(markup in text for markup in LIVE_MARKUP) or BARE_ADDRESS.search(text)
    ]
    assert not live, live[:10]
    # The planted values did reach Markdown elements: the check above looked at them.
    shown = " ".join(text for _, _, texts in rendered for text in texts)
    assert "HYPERLINK" in shown


def test_the_hostile_comment_and_turn_are_shown_on_the_contact_page(published, monkeypatch):
    app = page(monkeypatch, published, "interactions.py", interaction_id=hostile_contact(published))
    assert not app.exception
    shown = [frame.value for frame in app.dataframe]
    assert any((frame == HOSTILE_MARKUP).any().any() for frame in shown)


def test_a_hostile_team_name_is_escaped_in_the_team_filter_label(published, monkeypatch):
    app = page(monkeypatch, published, "quality_overview.py", team=HOSTILE_TEAM_ID)
    assert not app.exception
    [team_box] = [box for box in app.sidebar.selectbox if box.label == "Team"]
    assert team_box.value == HOSTILE_TEAM_ID

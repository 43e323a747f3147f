"""Hostile values from the landing files stay text in a real browser (issue 21 item 3).

A real Streamlit server on the warehouse published from the `planted_run` landing set
(tests/planted_landing.py: a formula as team name and change id, Markdown and HTML with
outside images, links and a script in a change description, a transcript turn and the
comments of failed answers), opened in headless chromium: every page that shows those values
is loaded while every request the page makes is recorded. No request may leave 127.0.0.1, no
image, link, frame or script may point to the planted host, no script may come from the data,
and the planted text must be readable as it was written.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    require_chromium,
    serve_dashboard,
)
from tests.integration.pages import fetch
from tests.planted_landing import (
    EVIL_HOST,
    HOSTILE_CHANGE_ID,
    HOSTILE_MARKUP,
    HOSTILE_TEAM_ID,
    HOSTILE_TEAM_NAME,
)

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Every element whose address a browser fetches or follows: tag, address, host it resolves to.
ADDRESSES = """() => [...document.querySelectorAll('img, a, script, iframe, frame, source, video,'
        + ' audio, link, object, embed, image, use, form')].map(element => {
    const raw = element.getAttribute('src') || element.getAttribute('href')
        || element.getAttribute('xlink:href') || element.getAttribute('data')
        || element.getAttribute('action') || '';
    let host = '';
    try { host = new URL(raw, location.href).hostname; } catch (error) { host = '?'; }
    return [element.tagName, raw, host];
})"""
DATA_SCRIPTS = """() => [...document.querySelectorAll('script')]
    .filter(element => element.textContent.includes('alert(1)')).length"""


@pytest.fixture(scope="module")
def hostile_url(planted_run):
    assert planted_run.published.exists(), planted_run.output[-3000:]
    require_chromium()
    with serve_dashboard(planted_run.published) as url:
        yield url


def hostile_pages(published) -> list[tuple[str, str | None]]:
    """(path with query, text the page must show literally, or None)."""
    [(contact,)] = fetch(
        published,
        "select distinct interaction_id from marts.fct_transcript_turns"
        " where turn_text like '%evil.example/pixel%'",
    ).itertuples(index=False)
    chart = {"metric": "qa_score", "grain": "day", "segment_kind": "team",
             "segment_value": HOSTILE_TEAM_ID}  # fmt: skip
    return [
        ("/?" + urlencode({"team": HOSTILE_TEAM_ID}), HOSTILE_TEAM_NAME),
        ("/control-chart?" + urlencode(chart), HOSTILE_TEAM_NAME),
        ("/coaching", HOSTILE_TEAM_NAME),
        ("/interactions?" + urlencode({"interaction_id": contact}), None),
        ("/scorecards?agent_id=A0003", "=1+2 Jo (A0003)"),
        ("/needs_attention", None),
        ("/data-health", None),
    ]


def stage_tooltip_problems(page) -> list[tuple[str, str]]:
    """Hover the label of the planted process change on the control chart: its tooltip must
    show the description as text (Vega's tooltip handler escapes HTML)."""
    label = page.locator(".vega-embed svg text", has_text=HOSTILE_CHANGE_ID).first
    if not label.count():
        return [("control chart", "no stage label of the planted change")]
    label.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=10_000)
    tooltip = page.locator("#vg-tooltip-element")
    page.screenshot(path=str(ARTIFACTS / "hostile_data.png"))
    problems = []
    if tooltip.locator("img, a, script").count():
        problems.append(("tooltip", "markup from the data became elements"))
    if HOSTILE_MARKUP not in tooltip.inner_text():
        problems.append(("tooltip", tooltip.inner_text()[:200]))
    return problems


def test_hostile_values_stay_text_and_fetch_nothing_from_outside(hostile_url, planted_run):
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    problems: list[tuple[str, object]] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.on("request", lambda request: requests.append(request.url))
        for path, literal in hostile_pages(planted_run.published):
            page.goto(hostile_url + path, wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=60_000)
            if literal is not None:
                page.wait_for_function(
                    "text => document.body.innerText.replaceAll('\\u2060', '').includes(text)",
                    arg=literal,
                    timeout=60_000,
                )
            page.wait_for_timeout(2500)  # charts and tables finish drawing
            if path.startswith("/control-chart"):
                problems += stage_tooltip_problems(page)
            problems += [
                (path, item)
                for item in page.evaluate(ADDRESSES)
                if item[2] == EVIL_HOST or item[1].lower().startswith("javascript:")
            ]
            if page.evaluate(DATA_SCRIPTS):
                problems.append((path, "a script holding the planted alert(1)"))
            if page.locator('[data-testid="stException"]').count():
                problems.append((path, "exception"))
        browser.close()
    assert not problems, problems
    outside = sorted(
        {url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")
         and urlsplit(url).hostname not in LOCAL_HOSTS}
    )  # fmt: skip
    assert not outside, outside
    assert not [url for url in requests if EVIL_HOST in url]
    assert len(requests) > len(hostile_pages(planted_run.published))  # requests were seen

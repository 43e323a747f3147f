"""Every page at 1280 and 1920 px in a real browser: charts fit their column, nothing sits on
top of anything else. Screenshots land in tests/artifacts/layout_<page>_<width>.png."""

from __future__ import annotations

from urllib.parse import urlencode

import duckdb
import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.layout import layout_problems

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
WIDTHS = (1280, 1920)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def page_paths(warehouse) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        item = (
            connection.execute(
                "select metric, grain, segment_kind, segment_value, window_start, window_end"
                " from marts.mart_spc_attention order by level desc, rank nulls last limit 1"
            )
            .df()
            .to_dict("records")[0]
        )
        contact = connection.execute(
            "select interaction_id from marts.fct_interactions where has_escalation_request"
            " and has_transfer order by friction_score desc, interaction_id limit 1"
        ).fetchone()[0]
        agent = connection.execute(
            "select agent_id from marts.mart_agent_scorecard where period_grain = 'week'"
            " and source = 'human' order by evaluations_count desc, agent_id limit 1"
        ).fetchone()[0]
    chart = {key: item[key] for key in ("metric", "grain", "segment_kind", "segment_value")}
    chart["window_start"] = f"{item['window_start']:%Y-%m-%d}"
    chart["window_end"] = f"{item['window_end']:%Y-%m-%d}"
    return {
        "overview": "",
        "attention": "needs_attention",
        "chart": "control-chart?" + urlencode(chart),
        "health": "data-health",
        "contacts": "interactions?segment_kind=all&flag=high_friction",
        "contact": f"interactions?interaction_id={contact}",
        "scorecards": "scorecards",
        "agent": f"scorecards?agent_id={agent}",
        "calibration": "calibration",
        "coaching": "coaching",
        "customer": "customer",
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "name",
    [
        "overview",
        "attention",
        "chart",
        "health",
        "contacts",
        "contact",
        "scorecards",
        "agent",
        "calibration",
        "coaching",
        "customer",
    ],  # fmt: skip
)
def test_pages_fit_and_nothing_overlaps(browser, dashboard_url, published_warehouse, name, width):
    path = page_paths(published_warehouse)[name]
    page = browser.new_page(viewport={"width": width, "height": 1200})
    page.goto(f"{dashboard_url}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]')
    if name not in ("attention", "health", "contacts"):
        page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=60_000)
    page.wait_for_timeout(2000)  # let Vega finish drawing
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout_{name}_{width}.png"), full_page=True)
    problems = layout_problems(page)
    toolbar = page.get_by_text("Deploy", exact=True).count()
    page.close()
    assert problems == []
    assert toolbar == 0  # viewer toolbar: nothing to deploy


def test_the_data_health_page_links_to_the_served_data_docs(browser, dashboard_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1200})
    page.goto(f"{dashboard_url}/data-health", wait_until="domcontentloaded")
    link = page.get_by_role("link", name="Open the Great Expectations Data Docs")
    link.wait_for(timeout=60_000)
    docs = browser.new_page()
    docs.goto(link.get_attribute("href"))
    title = docs.title()
    suites = docs.get_by_text("mart_fct_evaluations").count()
    page.close()
    docs.close()
    assert title and suites > 0  # the index lists the suites validated by the run


def test_data_docs_render_with_the_internet_cut_off(browser, published_warehouse):
    from orchestration.validation import data_docs_index, data_docs_packages

    if not data_docs_packages().is_dir():
        pytest.skip("vendor/data_docs has no npm packages (make install runs npm ci)")
    index = data_docs_index(published_warehouse.parents[1] / "validation")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    remote, errors = [], []
    page.route(
        "**/*",
        lambda route: (
            (remote.append(route.request.url), route.abort())
            if route.request.url.startswith("http")
            else route.continue_()
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(index.as_uri())
    page.wait_for_timeout(1500)
    loaded = page.evaluate(
        "() => [typeof window.jQuery, typeof window.vegaEmbed,"
        " getComputedStyle(document.querySelector('.navbar')).display]"
    )
    page.screenshot(path=str(ARTIFACTS / "data_docs_offline.png"))
    page.close()
    assert remote == [] and errors == []
    assert loaded == ["function", "function", "flex"]  # scripts ran, Bootstrap styled it


def test_the_layout_check_sees_an_overflow_and_an_overlap(browser):
    # A page built by hand with one chart wider than its element and two elements stacked.
    page = browser.new_page(viewport={"width": 800, "height": 600})
    page.set_content(
        """<div data-testid="stMain">
          <div data-testid="stElementContainer" style="position:absolute;top:0;left:0;width:300px">
            <div class="vega-embed"><svg width="500" height="100"></svg></div></div>
          <div data-testid="stElementContainer"
               style="position:absolute;top:50px;left:100px;width:300px;height:100px"></div>
        </div>"""
    )
    problems = layout_problems(page)
    page.close()
    assert any(problem.startswith("chart 0 overflows") for problem in problems)
    assert any(problem.startswith("overlap") for problem in problems)


def test_the_layout_check_skips_what_a_closed_expander_hides(browser):
    stacked = """<div data-testid="stElementContainer"
        style="position:absolute;top:0;left:0;width:300px;height:100px"></div>"""
    inside = """<details{open}><summary>more</summary><div data-testid="stElementContainer"
        style="position:absolute;top:50px;left:100px;width:300px;height:100px"></div></details>"""
    problems = {}
    for state in ("", " open"):
        page = browser.new_page(viewport={"width": 800, "height": 600})
        page.set_content(f'<div data-testid="stMain">{stacked}{inside.format(open=state)}</div>')
        problems[state] = layout_problems(page)
        page.close()
    assert problems[""] == []
    assert any(problem.startswith("overlap") for problem in problems[" open"])


def test_an_attention_item_leads_to_the_contacts_of_its_window(browser, dashboard_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1200})
    page.goto(f"{dashboard_url}/needs_attention", wait_until="domcontentloaded")
    link = page.get_by_role("link", name="contacts", exact=True).first
    link.wait_for(timeout=60_000)
    target = link.evaluate("anchor => anchor.href")  # as the browser resolves it
    page.goto(target, wait_until="domcontentloaded")
    page.get_by_text("handled contacts of").first.wait_for(timeout=60_000)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    caption = page.get_by_text("handled contacts of").first.inner_text()
    errors = page.locator('[data-testid="stException"]').count()
    page.screenshot(path=str(ARTIFACTS / "attention_to_contacts.png"), full_page=True)
    page.close()
    assert "/interactions?" in target and "start=" in target
    assert errors == 0
    assert int(caption.split()[0]) > 0

"""The real Streamlit server in headless Debian chromium, through Playwright."""

from __future__ import annotations

import duckdb
import pytest

from dashboards import charts
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_overview_renders_real_numbers_in_a_browser(dashboard_url, published_warehouse):
    from playwright.sync_api import sync_playwright

    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        [(qa_score,)] = connection.execute(
            "select value from marts.mart_quality_weekly where metric = 'qa_score'"
            " and site = 'All' and team_id = 'All' and channel = 'All' and is_complete_week"
            " order by week_start desc limit 1"
        ).fetchall()
    expected = charts.format_value("score", qa_score)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(dashboard_url, wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
        page.wait_for_selector(".vega-embed", timeout=60_000)
        page.wait_for_timeout(1500)  # let Vega finish drawing before the screenshot
        page.screenshot(path=str(ARTIFACTS / "quality_overview.png"), full_page=True)
        tiles = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        exceptions = page.locator('[data-testid="stException"]').count()
        body = page.inner_text("body")
        browser.close()
    assert expected in tiles
    assert exceptions == 0
    assert "Traceback" not in body

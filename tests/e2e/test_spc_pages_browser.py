"""The SPC pages in a real browser: the chart opened by URL, the special cause listed."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def open_page(url: str, screenshot: str, wait_for: str) -> tuple[str, int]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector(wait_for, timeout=60_000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
        body = page.inner_text("body")
        exceptions = page.locator('[data-testid="stException"]').count()
        browser.close()
    return body, exceptions


def test_control_chart_opens_from_a_url(dashboard_url, recording_lapse):
    query = urlencode(
        {
            "metric": "critical_fail_rate",
            "grain": "day",
            "segment_kind": "team",
            "segment_value": recording_lapse["team_id"],
        }
    )
    body, exceptions = open_page(
        f"{dashboard_url}/control-chart?{query}", "control_chart.png", ".vega-embed"
    )
    assert exceptions == 0
    assert "Traceback" not in body
    assert "sigma_z" in body  # the chart-choice reason beside the chart


def test_needs_attention_lists_the_injected_special_cause(dashboard_url, recording_lapse):
    body, exceptions = open_page(
        f"{dashboard_url}/needs_attention", "needs_attention.png", '[data-testid="stDataFrame"]'
    )
    assert exceptions == 0
    headline = f"critical_fail_rate · team {recording_lapse['team_id']} · day"
    assert headline in body

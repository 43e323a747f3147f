"""The SPC pages in a real browser: the attention list, and a chart opened from its link."""

from __future__ import annotations

from urllib.parse import urlencode

import duckdb
import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def open_page(url: str, screenshot: str, wait_for: str) -> tuple[str, int]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1300})
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector(wait_for, timeout=60_000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
        body = page.inner_text("body")
        exceptions = page.locator('[data-testid="stException"]').count()
        browser.close()
    return body, exceptions


def top_item(warehouse) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return (
            connection.execute(
                "select metric, grain, segment_kind, segment_value, window_start, window_end,"
                " sentence from marts.mart_spc_attention"
                " where level = 'process' and rank = 1"
            )
            .df()
            .to_dict("records")[0]
        )


def test_control_chart_opens_from_an_attention_link(dashboard_url, published_warehouse):
    item = top_item(published_warehouse)
    query = urlencode(
        {
            "metric": item["metric"],
            "grain": item["grain"],
            "segment_kind": item["segment_kind"],
            "segment_value": item["segment_value"],
            "window_start": f"{item['window_start']:%Y-%m-%d}",
            "window_end": f"{item['window_end']:%Y-%m-%d}",
        }
    )
    body, exceptions = open_page(
        f"{dashboard_url}/control-chart?{query}", "control_chart.png", ".vega-embed"
    )
    assert exceptions == 0
    assert "Traceback" not in body
    assert "sigma_z" in body or "registry declares" in body  # why this chart, beside it
    assert "Shaded:" in body


def test_needs_attention_lists_the_top_item_in_words(dashboard_url, published_warehouse):
    item = top_item(published_warehouse)
    body, exceptions = open_page(
        f"{dashboard_url}/needs_attention", "needs_attention.png", '[data-testid="stDataFrame"]'
    )
    assert exceptions == 0
    assert item["sentence"] in body

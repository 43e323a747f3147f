"""The real Streamlit server in headless Debian chromium, through Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from dashboards import charts

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url(published_warehouse):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: `make test` installs it with apt-get")
        pytest.skip("Debian chromium is not installed (make e2e-deps installs it)")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboards" / "app.py"),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        ],
        env={**os.environ, "QM_WAREHOUSE": str(published_warehouse)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_overview_renders_real_numbers_in_a_browser(dashboard_url, published_warehouse):
    from playwright.sync_api import sync_playwright

    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        [(qa_score,)] = connection.execute(
            "select qa_score_avg from marts.mart_quality_weekly where site = 'All'"
            " and team_id = 'All' and channel = 'All' and is_complete_week"
            " order by week_start desc limit 1"
        ).fetchall()
    expected = charts.format_value(charts.METRICS[0], qa_score)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
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

"""Browser fixtures: a real Streamlit server on the published test warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import free_port

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


def serve_data_docs_from(validation: Path, port: int):
    """`qm dashboard`'s Data Docs server (orchestration.docs.serve_data_docs) on `port`."""
    from orchestration.docs import serve_data_docs

    saved = os.environ.get("QM_VALIDATION_DIR")
    os.environ["QM_VALIDATION_DIR"] = str(validation)
    try:
        return serve_data_docs(port)
    finally:
        if saved is None:
            os.environ.pop("QM_VALIDATION_DIR")
        else:
            os.environ["QM_VALIDATION_DIR"] = saved


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: `make test` installs it with apt-get")
        pytest.skip("Debian chromium is not installed (make e2e-deps installs it)")


@contextmanager
def serve_dashboard(warehouse: Path) -> Iterator[str]:
    """A real Streamlit server (and `qm dashboard`'s Data Docs server) on `warehouse`, bound
    to 127.0.0.1; yields its URL, stops both servers on leaving."""
    port = free_port()
    validation = warehouse.parents[1] / "validation"
    docs_port = free_port()
    docs = serve_data_docs_from(validation, docs_port)
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboards" / "app.py"),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer",
        ],
        env={
            **os.environ,
            "QM_WAREHOUSE": str(warehouse),
            "QM_VALIDATION_DIR": str(validation),
            "QM_DATA_DOCS_URL": f"http://127.0.0.1:{docs_port}/index.html",
        },
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
        if docs is not None:
            docs.terminate()
            docs.wait(timeout=20)


@pytest.fixture(scope="session")
def dashboard_url(published_warehouse):
    require_chromium()
    with serve_dashboard(published_warehouse) as url:
        yield url

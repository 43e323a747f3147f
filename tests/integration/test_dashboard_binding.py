"""`qm dashboard` listens on 127.0.0.1 unless told otherwise: the kernel's table of listening
sockets (/proc/net/tcp, tcp6) shows who can connect."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.slow

LISTEN = "0A"


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as the kernel writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == LISTEN and int(port_hex, 16) == port:
                found.add(address)
    return found


def serve(address_arguments: list[str], published: Path, tmp_path: Path) -> tuple:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "dashboard", "--port", str(port),
         *address_arguments],
        cwd=tmp_path,  # no .streamlit/config.toml here: only the command line decides
        env={**os.environ, "QM_WAREHOUSE": str(published),
             "QM_VALIDATION_DIR": str(tmp_path / "validation")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not listening_addresses(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    return process, port


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
@pytest.mark.parametrize(
    ("arguments", "expected"),
    [([], {"0100007F"}), (["--address", "0.0.0.0"], {"00000000"})],
    ids=["default: this machine only", "asked: every interface"],
)
def test_the_dashboard_listens_where_it_is_told(arguments, expected, published_warehouse, tmp_path):
    process, port = serve(arguments, published_warehouse, tmp_path)
    try:
        assert listening_addresses(port) == expected
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

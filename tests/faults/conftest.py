"""The fault-injection suite prints what it survived at the end of the session."""

from __future__ import annotations

from tests.faults import survived


def pytest_terminal_summary(terminalreporter) -> None:
    if not survived.PROBES:
        return
    terminalreporter.section("faults survived")
    for line in survived.table():
        terminalreporter.write_line(line)

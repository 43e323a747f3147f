"""Processes seen through Linux's /proc: what a test needs to check that a killed run left
nothing running."""

from __future__ import annotations

from pathlib import Path


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def is_running(pid: int) -> bool:
    """Alive and not a zombie waiting for a reaper."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "zombie" not in state and "(dead)" not in state


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children of each of its threads, recursively)."""
    found: set[int] = set()
    pending = [pid]
    while pending:
        parent = pending.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                pids = {int(child) for child in children.read_text().split()}
            except OSError:
                continue
            pending += sorted(pids - found)
            found |= pids
    return found

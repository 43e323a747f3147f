"""The probes of the fault-injection suite and what each showed, as a table."""

from __future__ import annotations

# probe → (what was checked, outcome); a probe whose test failed stays "FAILED".
PROBES: dict[str, tuple[str, str]] = {}


def start(probe: str, checked: str) -> None:
    PROBES[probe] = (checked, "FAILED")


def passed(probe: str) -> None:
    if probe in PROBES:  # started by an earlier test of this session
        PROBES[probe] = (PROBES[probe][0], "survived")


def table() -> list[str]:
    width = max(len(probe) for probe in PROBES)
    lines = [f"{'fault':<{width}}  outcome   what was checked", "-" * (width + 30)]
    for probe, (checked, outcome) in PROBES.items():
        lines.append(f"{probe:<{width}}  {outcome:<8}  {checked}")
    return lines

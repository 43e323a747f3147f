"""The metric registry (`vars: metrics:` in dbt_project/dbt_project.yml), read from Python.

dbt reads the same declaration when it builds the marts; here the ingest checks quality
targets against it and `qm metrics` prints the README's metric table from it. Nothing else
in Python lists metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from orchestration import settings
from orchestration.contract import SEGMENT_KINDS

FORMATS = ("percent", "score", "seconds", "rating", "ratio")
DIRECTIONS = ("higher", "lower")
REQUIRED = (
    "metric", "label", "description", "format", "unit", "direction", "units", "model", "at",
    "value", "where", "chart", "segments", "grains", "target", "complete_after_days",
    "overview",
)  # fmt: skip


@dataclass(frozen=True)
class Metric:
    metric: str
    label: str
    description: str
    format: str
    unit: str
    direction: str
    units: str
    model: str
    chart: str
    segments: tuple[str, ...]
    grains: tuple[str, ...]
    target: bool
    complete_after_days: int
    overview: bool
    events: str | None = None
    detail: str | None = None


class RegistryError(ValueError):
    """The registry in dbt_project.yml is incomplete or contradicts itself."""


def _metric(entry: dict, grains: set[str]) -> Metric:
    name = entry.get("metric", "?")
    missing = [key for key in REQUIRED if key not in entry]
    if missing:
        raise RegistryError(f"metric {name}: {', '.join(missing)} missing in the registry")
    problems = []
    if entry["format"] not in FORMATS:
        problems.append(f"format {entry['format']!r} is not one of {', '.join(FORMATS)}")
    if entry["direction"] not in DIRECTIONS:
        problems.append(f"direction {entry['direction']!r} is not higher or lower")
    if unknown := set(entry["segments"]) - set(SEGMENT_KINDS):
        problems.append(f"unknown segment kinds {sorted(unknown)}")
    if unknown := set(entry["grains"]) - grains:
        problems.append(f"unknown grains {sorted(unknown)}")
    if entry["chart"] in ("p", "u") and not entry.get("events"):
        problems.append("a rate needs `events` (what it counts)")
    if problems:
        raise RegistryError(f"metric {name}: " + "; ".join(problems))
    return Metric(
        metric=entry["metric"],
        label=entry["label"],
        description=entry["description"],
        format=entry["format"],
        unit=entry["unit"],
        direction=entry["direction"],
        units=entry["units"],
        model=entry["model"],
        chart=entry["chart"],
        segments=tuple(entry["segments"]),
        grains=tuple(entry["grains"]),
        target=bool(entry["target"]),
        complete_after_days=int(entry["complete_after_days"]),
        overview=bool(entry["overview"]),
        events=entry.get("events"),
        detail=entry.get("detail"),
    )


@cache
def registry() -> tuple[Metric, ...]:
    """Every declared metric, in declaration order (the order pages show them in)."""
    project = yaml.safe_load((settings.DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    variables = project["vars"]
    grains = {grain["grain"] for grain in variables["spc"]["grains"]}
    metrics = tuple(_metric(entry, grains) for entry in variables["metrics"])
    names = [metric.metric for metric in metrics]
    if len(set(names)) != len(names):
        raise RegistryError(f"a metric is declared twice: {names}")
    return metrics


def targetable() -> dict[str, Metric]:
    """Metrics a quality target may name, by name."""
    return {metric.metric: metric for metric in registry() if metric.target}


def markdown_table() -> str:
    """The README's metric table."""
    lines = [
        "| metric | label | what it measures | shown as | better | chart | segments | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for metric in registry():
        chart = f"{metric.chart} per {metric.detail}" if metric.detail else metric.chart
        lines.append(
            f"| `{metric.metric}` | {metric.label} | {metric.description} | {metric.format} |"
            f" {metric.direction} | {chart} | {', '.join(metric.segments)} |"
            f" {'yes' if metric.target else 'no'} |"
        )
    return "\n".join(lines)

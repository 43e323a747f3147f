"""The metric registry: one declaration, read the same way everywhere."""

from __future__ import annotations

import re

import pytest
import yaml

from orchestration import metrics, settings
from orchestration.contract import SEGMENT_KINDS

README = settings.REPO_ROOT / "README.md"


def test_every_metric_is_complete_and_known_to_the_warehouse():
    declared = metrics.registry()
    assert declared
    for metric in declared:
        assert set(metric.segments) <= set(SEGMENT_KINDS)
        assert metric.format in metrics.FORMATS and metric.direction in ("higher", "lower")
        if metric.chart in ("p", "u"):
            assert metric.events, metric.metric


def test_the_readme_metric_table_is_the_registry():
    text = README.read_text()
    table = re.search(r"<!-- metrics:start -->\n(.*?)\n<!-- metrics:end -->", text, re.S)
    assert table, "README has no generated metric table (qm metrics prints it)"
    assert table.group(1).strip() == metrics.markdown_table()
    for metric in metrics.registry():
        assert f"`{metric.metric}`" in table.group(1)


def test_an_incomplete_metric_is_refused_with_its_name():
    project = yaml.safe_load((settings.DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    entry = dict(project["vars"]["metrics"][0], metric="broken")
    del entry["direction"]
    with pytest.raises(metrics.RegistryError, match="broken: direction missing"):
        metrics._metric(entry, {"day", "week"})
    rate = dict(project["vars"]["metrics"][1], metric="rate_without_events")
    del rate["events"]
    with pytest.raises(metrics.RegistryError, match="needs `events`"):
        metrics._metric(rate, {"day", "week"})

"""One declaration per metric: the registry drives the SPC series, the check of quality
targets, the matching of targets and the pages' labels (on the generated sample)."""

from __future__ import annotations

import pytest

from orchestration.metrics import registry, targetable
from tests.conftest import registry_targets

pytestmark = pytest.mark.slow
CUBE = {"site": "site", "team": "team_id", "channel": "channel"}


def test_every_metric_is_charted_on_each_segment_kind_and_grain_it_declares(warehouse):
    charted = set(
        warehouse.execute(
            "select distinct metric, segment_kind, grain from marts.mart_spc_series"
        ).fetchall()
    )
    declared = {
        (metric.metric, kind, grain)
        for metric in registry()
        for kind in metric.segments
        for grain in metric.grains
    }
    assert charted == declared


def test_the_warehouse_carries_the_registry_for_its_readers(warehouse):
    rows = warehouse.execute("select metric, label, format from marts.dim_metrics").fetchall()
    assert rows == [(metric.metric, metric.label, metric.format) for metric in registry()]


def test_targets_the_registry_refuses_are_quarantined_with_their_reason(warehouse, truth):
    accepted = len(registry_targets(truth)) - 2
    rows = warehouse.execute(
        "select source_row, reason from raw.quarantine"
        " where source_file = 'quality_targets/registry_check.yml' order by source_row"
    ).fetchall()
    assert rows == [(accepted + 1, "unknown_metric"), (accepted + 2, "unknown_segment")]


def test_every_target_is_matched_on_every_segment_kind_its_metric_allows(warehouse, truth):
    targets = registry_targets(truth)[:-2]
    assert {target["metric"] for target in targets} == set(targetable())
    for target in targets:
        kind, _, value = target["segment"].partition(":")
        charted = warehouse.execute(
            "select distinct target from marts.mart_spc_chart_points where metric = ?"
            " and segment_kind = ? and segment_value = ? and subgroup_end >= ?",
            [target["metric"], kind, value or "all", target["effective_from"]],
        ).fetchall()
        assert charted == [(target["target"],)], target
        if kind in ("all", *CUBE):
            cell = {"site": "All", "team_id": "All", "channel": "All"}
            if kind in CUBE:
                cell[CUBE[kind]] = value
            weekly = warehouse.execute(
                "select distinct target, target_segment from marts.mart_quality_weekly"
                " where metric = ? and site = ? and team_id = ? and channel = ?",
                [target["metric"], cell["site"], cell["team_id"], cell["channel"]],
            ).fetchall()
            assert weekly == [(target["target"], target["segment"])], target

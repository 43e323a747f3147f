"""The SPC marts on generated data: the injected special causes are found, stages hold."""

from __future__ import annotations

import pytest

from tests.conftest import special_cause

pytestmark = pytest.mark.slow


def subgroups_until_first_signal(warehouse, series_id: str, from_date: str) -> int:
    """How many daily subgroups after the true change the chart needed to signal."""
    days = [
        row[0]
        for row in warehouse.execute(
            "select distinct subgroup_start from marts.mart_spc_points"
            " where series_id = ? and subgroup_start >= cast(? as date) order by 1",
            [series_id, from_date],
        ).fetchall()
    ]
    [(first_signal,)] = warehouse.execute(
        "select min(subgroup_start) from marts.mart_spc_signals"
        " where series_id = ? and subgroup_start >= cast(? as date)",
        [series_id, from_date],
    ).fetchall()
    assert first_signal is not None, f"{series_id} never signalled after {from_date}"
    return days.index(first_signal)


def test_stopped_disclosure_is_signalled_within_two_subgroups(warehouse, recording_lapse):
    series = f"critical_fail_rate|day|team|{recording_lapse['team_id']}"
    assert subgroups_until_first_signal(warehouse, series, recording_lapse["from_date"]) <= 2


def test_abandonment_spike_is_signalled_within_two_subgroups(warehouse, truth):
    spike = special_cause(truth, "abandonment_spike")
    series = f"abandonment_rate|day|queue|{spike['queue']}"
    assert subgroups_until_first_signal(warehouse, series, spike["from_date"]) <= 2


def test_a_process_change_starts_a_stage_with_its_own_baseline(warehouse, recording_lapse):
    series = f"critical_fail_rate|day|team|{recording_lapse['team_id']}"
    stages = warehouse.execute(
        "select stage, min(subgroup_start), count(*) filter (where in_baseline),"
        " count(distinct center) from marts.mart_spc_points where series_id = ?"
        " group by stage order by stage",
        [series],
    ).fetchall()
    # stage 2: the scorecard change (scope all); stage 3: the team's refresher training.
    assert [stage for stage, *_ in stages] == [1, 2, 3]
    assert str(stages[2][1]) == recording_lapse["to_date"]
    assert all(baseline > 0 and centres == 1 for _, _, baseline, centres in stages)


def test_every_configured_metric_is_charted_on_every_grain(warehouse):
    charted = set(
        warehouse.execute(
            "select distinct metric || '/' || grain from marts.mart_spc_points"
        ).fetchall()
    )
    metrics = [
        "evaluation_score", "critical_fail_rate", "failed_questions_per_evaluation",
        "abandonment_rate", "unresolved_rate", "handle_seconds", "csat", "question_fail_rate",
    ]  # fmt: skip
    assert charted == {(f"{metric}/{grain}",) for metric in metrics for grain in ("day", "week")}


def test_overdispersed_series_get_laney_charts_with_a_reason(warehouse, truth):
    # Abandonment varies from day to day beyond chance (ground_truth day_effects), so some
    # of its series must be charted as Laney p′, with the reason and the managers' sentence.
    assert truth["day_effects"]["abandonment_day_log_sd"] > 0
    laney = warehouse.execute(
        "select distinct series_id, sigma_z, chart_choice_reason, limits_explanation"
        " from marts.mart_spc_points where metric = 'abandonment_rate'"
        " and chart_type = 'laney_p'"
    ).fetchall()
    assert laney
    for _, sigma_z, reason, explanation in laney:
        assert sigma_z > 1
        assert reason.startswith(f"Laney chart: sigma_z = {sigma_z:.2f}")
        assert "wider than on a textbook chart" in explanation


def test_laney_is_chosen_exactly_when_sigma_z_is_clearly_above_one(warehouse):
    rows = warehouse.execute(
        "select distinct series_id, stage, chart_type, sigma_z, sigma_z_moving_ranges"
        " from marts.mart_spc_points where sigma_z is not null"
    ).fetchall()
    assert rows
    for series_id, _, chart_type, sigma_z, ranges in rows:
        threshold = 1 + 2 * 0.83 / max(ranges, 1) ** 0.5
        assert chart_type.startswith("laney") == (sigma_z > threshold), series_id

"""The SPC marts on generated data: the injected special causes are found, stages hold,
Phase I is revised as `qm spc` revises it, and incomplete subgroups never signal."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.spc import analyse_file
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


def test_overdispersed_series_get_laney_charts_with_a_reason(warehouse, truth):
    # Abandonment varies from day to day beyond chance (ground_truth day_effects), so some
    # of its series must be charted as Laney p′, with the reason and the managers' sentence.
    assert truth["day_effects"]["abandonment_day_log_sd"] > 0
    laney = warehouse.execute(
        "select distinct series_id, sigma_z, chart_choice_reason, limits_explanation"
        " from marts.mart_spc_chart_points where metric = 'abandonment_rate'"
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
        " from marts.mart_spc_points"
        " where sigma_z is not null and (chart_type like '%p' or chart_type like '%u')"
    ).fetchall()
    assert rows
    for series_id, _, chart_type, sigma_z, ranges in rows:
        threshold = 1 + 2 * 0.83 / max(ranges, 1) ** 0.5
        assert chart_type.startswith("laney") == (sigma_z > threshold), series_id


def test_one_chart_type_per_series_stage_and_no_duplicate_signals(warehouse):
    [(types,)] = warehouse.execute(
        "select max(n) from (select count(distinct chart_type) as n from marts.mart_spc_points"
        " group by series_id, stage)"
    ).fetchall()
    assert types == 1
    [(duplicates,)] = warehouse.execute(
        "select count(*) from (select series_id, chart, subgroup_start, rule, count(*) as n"
        " from marts.mart_spc_signals group by all having n > 1)"
    ).fetchall()
    assert duplicates == 0


def test_incomplete_subgroups_are_drawn_but_never_signal_or_form_a_baseline(warehouse, truth):
    # Evaluations arrive up to `evaluation_max_delay_days` after the contact, so the last
    # days of evaluation metrics are still filling up at the export cut-off.
    last_day = (pd.Timestamp(truth["export_cutoff"]) - pd.Timedelta(days=1)).date()
    lag = pd.Timedelta(days=truth["evaluation_max_delay_days"])
    points = warehouse.execute(
        "select distinct subgroup_start, is_provisional from marts.mart_spc_points"
        " where series_id = 'critical_fail_rate|day|all|all'"
    ).fetchall()
    assert any(provisional for _, provisional in points)
    assert all(provisional == (day > last_day - lag) for day, provisional in points)
    [(signals, baselines)] = warehouse.execute(
        "select count(signals.rule), count(*) filter (where points.in_baseline)"
        " from marts.mart_spc_points as points left join marts.mart_spc_signals as signals"
        " using (series_id, chart, subgroup_start) where points.is_provisional"
    ).fetchall()
    assert (signals, baselines) == (0, 0)


@pytest.mark.parametrize(
    "series_id, chart",
    [("abandonment_rate|day|all|all", "p"), ("handle_seconds|week|all|all", "xbar_s")],
)
def test_phase_one_is_revised_as_qm_spc_revises_it(warehouse, tmp_path, series_id, chart):
    # The stage-1 subgroups of a series, through `qm spc --exclude-beyond-limits` with the
    # same baseline length: the same revised centre and limits as the mart.
    mart = warehouse.execute(
        "select subgroup_start, n, value, center, lcl, ucl, in_baseline, chart_type"
        " from marts.mart_spc_points where series_id = ? and stage = 1"
        " and chart in ('p', 'laney_p', 'xbar') order by subgroup_start",
        [series_id],
    ).df()
    if mart["chart_type"].iloc[0] != chart:
        pytest.skip(f"{series_id} is drawn as {mart['chart_type'].iloc[0]} in this sample")
    baseline = warehouse.execute(
        "select count(*) from intermediate.int_spc_subgroups"
        " where series_id = ? and stage = 1 and in_baseline",
        [series_id],
    ).fetchall()[0][0]
    if chart == "p":
        source = mart.assign(count=(mart["value"] * mart["n"]).round())
        source[["subgroup_start", "count", "n"]].to_csv(tmp_path / "in.csv", index=False)
        options = {"value": "count", "size": "n"}
    else:
        # every handled contact's handle time, by the week it started in (stage 1's weeks)
        observations = warehouse.execute(
            "select cast(date_trunc('week', observed_at) as date)::varchar as subgroup, value"
            " from intermediate.int_metric_observations where metric = 'handle_seconds'"
            " and date_trunc('week', observed_at) in (select subgroup_start"
            " from intermediate.int_spc_subgroups where series_id = ? and stage = 1)"
            " order by subgroup",
            [series_id],
        ).df()
        observations.to_csv(tmp_path / "in.csv", index=False)
        options = {"value": "value"}
    points = analyse_file(
        tmp_path / "in.csv", chart, subgroup="subgroup_start" if chart == "p" else "subgroup",
        baseline=baseline, exclude_beyond_limits=True, **options,
    )  # fmt: skip
    location = points[points["chart"] == ("p" if chart == "p" else "xbar")]
    assert location["center"].to_numpy() == pytest.approx(mart["center"].to_numpy(), rel=1e-9)
    assert location["ucl"].to_numpy() == pytest.approx(mart["ucl"].to_numpy(), rel=1e-9)
    assert location["in_baseline"].tolist() == mart["in_baseline"].tolist()

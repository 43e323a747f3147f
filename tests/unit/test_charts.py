"""Chart builders on small hand-made frames."""

from __future__ import annotations

import pandas as pd

from dashboards import charts

QA = charts.METRICS[0]
CRITICAL = charts.METRICS[1]


def weekly_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2026-06-01", "2026-06-08"]),
            "qa_score_avg": [82.5, 86.0],
            "qa_score_target": [85.0, 85.0],
            "evaluations_count": [40, 38],
            "critical_fail_rate": [0.05, 0.1],
            "critical_fail_rate_target": [0.08, 0.08],
            "csat_satisfied_rate": [0.7, 0.8],
            "csat_satisfied_rate_target": [0.75, 0.75],
            "csat_responses": [100, 90],
            "handle_seconds_avg": [400.0, 420.0],
            "handle_seconds_target": [480.0, 480.0],
            "handled_count": [900, 880],
        }
    )


def test_trend_has_the_value_line_and_a_dashed_target():
    spec = charts.metric_trend(weekly_frame(), QA).to_dict()
    values, target = spec["layer"]
    assert values["encoding"]["y"]["field"] == "qa_score_avg"
    assert values["encoding"]["x"]["field"] == "week_start"
    assert target["encoding"]["y"]["field"] == "qa_score_target"
    assert target["mark"]["strokeDash"] == [6, 4]


def test_tooltip_names_the_value_target_and_how_many_units_behind_it():
    spec = charts.metric_trend(weekly_frame(), CRITICAL).to_dict()
    fields = [item["field"] for item in spec["layer"][0]["encoding"]["tooltip"]]
    assert fields == ["week_start", "critical_fail_rate", "critical_fail_rate_target",
                      "evaluations_count"]  # fmt: skip
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ".0%"


def test_grid_shows_all_four_metrics():
    spec = charts.metric_grid(weekly_frame()).to_dict()
    titles = [chart["title"] for row in spec["vconcat"] for chart in row["hconcat"]]
    assert titles == ["QA score", "Critical-fail rate", "CSAT (share 4-5)", "Handle time (s)"]


def test_empty_frame_still_builds_a_chart():
    spec = charts.metric_grid(weekly_frame().iloc[0:0]).to_dict()
    assert len(spec["vconcat"]) == 2


def test_values_are_formatted_for_tiles():
    assert charts.format_value(QA, 84.849) == "84.8"
    assert charts.format_value(CRITICAL, 0.0625) == "6.2%"
    assert charts.format_value(QA, None) == "–"


def spc_frame() -> pd.DataFrame:
    days = pd.to_datetime(["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04"])
    common = {
        "subgroup_start": list(days) * 2,
        "stage": [1, 1, 2, 2] * 2,
        "stage_started_on": list(pd.to_datetime(["2026-06-01"] * 2 + ["2026-06-03"] * 2)) * 2,
        "stage_started_by": [None, None, "PC001: new script", "PC001: new script"] * 2,
        "n": [5] * 8,
    }
    return pd.DataFrame(
        {
            **common,
            "chart": ["xbar"] * 4 + ["s"] * 4,
            "value": [10.0, 12.5, 9.0, 10.2, 1.0, 1.2, 0.9, 1.1],
            "center": [10.0, 10.0, 9.5, 9.5, 1.0, 1.0, 1.0, 1.0],
            "lcl": [8.0, 8.0, 7.5, 7.5, 0.0, 0.0, 0.0, 0.0],
            "ucl": [12.0, 12.0, 11.5, 11.5, 2.0, 2.0, 2.0, 2.0],
            "rules_fired": [None, "1", None, None, None, None, None, None],
        }
    )


def test_control_chart_puts_the_dispersion_companion_below_its_title():
    spec = charts.control_chart(spc_frame(), title="evaluation_score · team T02 · day").to_dict()
    assert [part["title"] for part in spec["vconcat"]] == ["xbar", "s"]
    assert spec["title"] == "evaluation_score · team T02 · day"


def test_control_chart_data_carries_only_the_plotted_columns():
    frame = spc_frame().assign(limits_explanation="a long sentence for managers")
    spec = charts.control_chart_part(frame, "xbar").to_dict()
    [row, *_] = spec["datasets"][spec["data"]["name"]]
    assert set(row) == set(charts.PLOTTED_POINT_COLUMNS)


def test_the_whole_centre_reads_as_such():
    assert charts.segment_label("all", "all") == "whole centre"
    assert charts.segment_label("team", "T02") == "team T02"


def test_control_chart_draws_stored_limits_stepped_per_stage_and_flags_signals():
    spec = charts.control_chart_part(spc_frame(), "xbar").to_dict()
    ucl, center, lcl, values, flagged, stage_rule, stage_label = spec["layer"]
    for layer, field in ((ucl, "ucl"), (center, "center"), (lcl, "lcl")):
        assert layer["encoding"]["y"]["field"] == field
        assert layer["mark"]["interpolate"] == "step-after"
        assert layer["encoding"]["detail"]["field"] == "stage"
    assert flagged["transform"] == [{"filter": "datum.rules_fired != null"}]
    tooltip = [item["field"] for item in values["encoding"]["tooltip"]]
    assert "rules_fired" in tooltip and "ucl" in tooltip
    assert stage_label["encoding"]["text"]["field"] == "change"
    assert "stage_started_by" in [item["field"] for item in stage_label["encoding"]["tooltip"]]
    boundaries = [row for row in spec["datasets"][stage_rule["data"]["name"]]]
    assert [row["stage"] for row in boundaries] == [2]

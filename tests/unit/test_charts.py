"""Chart builders and text helpers on small hand-made frames."""

from __future__ import annotations

import io

import duckdb
import jinja2
import pandas as pd
import pytest

from dashboards import charts
from orchestration import settings

QA = {"metric": "qa_score", "label": "QA score", "format": "score", "units": "evaluations",
      "unit": "points"}  # fmt: skip
HANDLE = {"metric": "handle_seconds", "label": "Handle time", "format": "seconds",
          "units": "contacts", "unit": "seconds"}  # fmt: skip
CRITICAL = {"metric": "critical_fail_rate", "label": "Critical-fail rate", "format": "percent",
            "units": "evaluations", "unit": "percentage points"}  # fmt: skip


def weekly_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2026-06-01", "2026-06-08"]),
            "value": [82.5, 86.0],
            "target": [85.0, 85.0],
            "units": [40, 38],
        }
    )


def test_trend_has_the_value_line_and_a_dashed_target_as_wide_as_its_column():
    spec = charts.metric_trend(weekly_rows(), QA).to_dict()
    values, target = spec["layer"]
    assert values["encoding"]["y"]["field"] == "value"
    assert values["encoding"]["x"]["field"] == "week_start"
    assert target["encoding"]["y"]["field"] == "target"
    assert target["mark"]["strokeDash"] == [6, 4]
    assert spec["width"] == "container" and spec["title"] == "QA score"
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_tooltip_reads_value_and_target_in_the_metrics_format():
    spec = charts.metric_trend(weekly_rows().assign(value=[400.0, 425.0]), HANDLE).to_dict()
    tooltip = spec["layer"][0]["encoding"]["tooltip"]
    assert [item["title"] for item in tooltip] == ["Week of", "Handle time", "Target", "Contacts"]
    [rows] = spec["datasets"].values()
    assert [row["value_text"] for row in rows] == ["6:40", "7:05"]
    assert "labelExpr" in spec["layer"][0]["encoding"]["y"]["axis"]


@pytest.mark.parametrize(
    "metric_format, value, text",
    [("percent", 0.0625, "6.2 %"), ("score", 84.849, "84.8"), ("seconds", 425.4, "7:05"),
     ("seconds", 59.6, "1:00"), ("rating", 4.125, "4.12"), ("ratio", 0.5, "0.50")],
)  # fmt: skip
def test_values_read_as_people_read_them(metric_format, value, text):
    assert charts.format_value(metric_format, value) == text
    assert charts.format_value(metric_format, None) == "–"


def test_pages_and_marts_format_values_alike():
    # the SQL macro that words the attention sentences and the pages' formatter agree
    macros = settings.DBT_PROJECT_DIR / "macros"
    environment = jinja2.Environment()
    # format_number as dbt dispatches it on DuckDB (macros/cross_db/text.sql)
    text = environment.from_string((macros / "cross_db" / "text.sql").read_text()).module
    source = (macros / "format_metric_value.sql").read_text()
    macro = environment.from_string(
        source, globals={"format_number": text.default__format_number}
    ).module.format_metric_value
    cases = [("percent", 0.0625), ("percent", 0.5), ("score", 84.849), ("seconds", 425.4),
             ("seconds", 59.6), ("rating", 4.1), ("ratio", 1.0 / 3),
             # 91.45 summed in two orders: the same words either way
             ("score", 91.44999999999999), ("score", 91.45000000000002),
             ("rating", 2.675), ("rating", 4.125)]  # fmt: skip
    with duckdb.connect() as connection:
        for metric_format, value in cases:
            sql = f"select {macro(str(value), repr(metric_format))}"
            [(text,)] = connection.execute(sql).fetchall()
            assert text == charts.format_value(metric_format, value), (metric_format, value)
    assert charts.format_value("score", 91.44999999999999) == "91.5"
    assert charts.format_value("score", 91.45000000000002) == "91.5"


def test_text_from_the_warehouse_is_shown_as_it_is():
    hostile = "T1 [phishing](http://evil.example) ![x](http://evil.example/x.png) :red[x] <b>"
    escaped = charts.plain(hostile)
    assert "](" not in escaped and "![" not in escaped and "<b>" not in escaped
    # Word joiners (U+2060, invisible) keep bare addresses from becoming links.
    assert escaped.replace("\\", "").replace("\u2060", "") == hostile


def test_bare_addresses_in_warehouse_text_are_not_linked():
    # GitHub-flavoured Markdown links "http://", "www." and "name@host.tld" where a space,
    # punctuation or the start comes before them; a word joiner there is neither.
    shown = charts.plain("see http://x.example, www.x.example or a@x.example").replace("\\", "")
    assert shown == "see \u2060http://x.example, \u2060www.x.example or a@\u2060x.example"


def test_csv_downloads_keep_formulas_as_text():
    frame = pd.DataFrame({"team": ['=HYPERLINK("http://x")', "Comet", "+1"], "value": [1, -2, 3]})
    rows = pd.read_csv(io.BytesIO(charts.csv_bytes(frame)))
    assert rows["team"].tolist() == ['\'=HYPERLINK("http://x")', "Comet", "'+1"]
    assert rows["value"].tolist() == [1, -2, 3]


def spc_frame() -> pd.DataFrame:
    days = pd.to_datetime(["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04"])
    common = {
        "subgroup_start": list(days) * 2,
        "stage": [1, 1, 2, 2] * 2,
        "stage_started_on": list(pd.to_datetime(["2026-06-01"] * 2 + ["2026-06-03"] * 2)) * 2,
        "stage_started_by": [None, None, "PC001: new script", "PC001: new script"] * 2,
        "n": [5] * 8,
        "is_provisional": [False, False, False, True] * 2,
        "target": [9.0] * 4 + [None] * 4,
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


def test_the_chart_of_location_comes_before_its_dispersion_companion():
    assert charts.chart_parts(spc_frame()) == ["xbar", "s"]


def test_control_chart_data_carries_only_the_plotted_columns():
    frame = spc_frame().assign(limits_explanation="a long sentence for managers")
    spec = charts.control_chart_part(frame, "xbar", QA).to_dict()
    [row, *_] = spec["datasets"][spec["data"]["name"]]
    texts = {f"{column}_text" for column in charts.TEXT_COLUMNS}
    assert set(row) == set(charts.PLOTTED_POINT_COLUMNS) | texts
    assert row["value_text"] == "10.0"  # the QA score as the registry formats scores


def test_segments_read_with_names_and_ids():
    assert charts.segment_label("all", "all") == "the whole centre"
    assert charts.segment_label("team", "T02", "Beacon") == "team Beacon (T02)"
    assert charts.segment_label("queue", "billing", "billing") == "queue billing"
    assert charts.team_label("T02", "Beacon") == "Beacon (T02)"
    assert charts.team_label("Unassigned", "Unassigned").startswith("No team")


@pytest.mark.parametrize(
    "metric, value, target, direction, words, colour",
    [
        (QA, 70.0, 85.0, "higher", "15.0 points below target", "red"),
        (QA, 88.0, 85.0, "higher", "3.0 points above target", "green"),
        (CRITICAL, 0.05, 0.08, "lower", "3.0 percentage points below target", "green"),
        (CRITICAL, 0.12, 0.08, "lower", "4.0 percentage points above target", "red"),
        (HANDLE, 540.0, 480.0, "lower", "60 seconds above target", "red"),
        (QA, 85.0, 85.0, "higher", "on target", "green"),
    ],
)
def test_targets_are_said_in_words_and_coloured_by_their_direction(
    metric, value, target, direction, words, colour
):
    assert charts.target_gap(metric, value, target, direction) == (words, colour)


def test_control_chart_draws_stored_limits_stepped_per_stage_and_flags_signals():
    spec = charts.control_chart_part(spc_frame(), "xbar", QA).to_dict()
    ucl, center, lcl, values, flagged, provisional, target, stage_rule, stage_label = spec["layer"]
    for layer, field in ((ucl, "ucl"), (center, "center"), (lcl, "lcl")):
        assert layer["encoding"]["y"]["field"] == field
        assert layer["mark"]["interpolate"] == "step-after"
        assert layer["encoding"]["detail"]["field"] == "stage"
    assert {"filter": "datum.rules_fired != null"} in flagged["transform"]
    assert {"filter": "!datum.is_provisional"} in values["transform"]
    assert provisional["transform"] == [{"filter": "datum.is_provisional"}]
    assert provisional["mark"]["filled"] is False
    assert target["encoding"]["y"]["field"] == "target"
    tooltip = [item["field"] for item in values["encoding"]["tooltip"]]
    assert "rules_fired" in tooltip and "ucl_text" in tooltip and "is_provisional" in tooltip
    assert stage_label["encoding"]["text"]["field"] == "change"
    boundaries = list(spec["datasets"][stage_rule["data"]["name"]])
    assert [row["stage"] for row in boundaries] == [2]
    assert spec["width"] == "container" and spec["autosize"]["type"] == "fit-x"


def test_the_window_that_made_an_attention_item_is_shaded():
    window = (pd.Timestamp("2026-06-02"), pd.Timestamp("2026-06-03"))
    spec = charts.control_chart_part(spc_frame(), "xbar", QA, window).to_dict()
    band = spec["layer"][0]
    assert band["mark"]["type"] == "rect"
    [row] = spec["datasets"][band["data"]["name"]]
    # the band covers the last day of the window whole
    assert (row["start"][:10], row["end"][:10]) == ("2026-06-02", "2026-06-04")


def test_the_dispersion_part_has_no_target_line():
    spec = charts.control_chart_part(spc_frame(), "s", QA).to_dict()
    fields = [layer.get("encoding", {}).get("y", {}).get("field") for layer in spec["layer"]]
    assert "target" not in fields


def agents_with_intervals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent": ["Ana (A1)", "Bo (A2)", "Cy (A3)"],
            "mean_score": [91.0, 80.0, 62.0],
            "mean_score_lower": [85.0, 70.0, 55.0],
            "mean_score_upper": [97.0, 90.0, 69.0],
            "comparison": ["above", "not distinguishable", "below"],
            "unused": [1, 2, 3],
        }
    )


def test_interval_bars_draw_each_interval_and_the_reference_in_the_rows_order():
    spec = charts.interval_bars(
        agents_with_intervals(), "agent", "mean_score", "mean_score_lower",
        "mean_score_upper", "QA score (points)", reference=80.0,
        reference_title="Team median", colour="comparison", colour_title="Against the median",
    ).to_dict()  # fmt: skip
    rule, whiskers, dots = spec["layer"]
    assert whiskers["encoding"]["x"]["field"] == "mean_score_lower"
    assert whiskers["encoding"]["x2"]["field"] == "mean_score_upper"
    assert dots["encoding"]["x"]["field"] == "mean_score"
    assert dots["encoding"]["y"]["sort"] == ["Ana (A1)", "Bo (A2)", "Cy (A3)"]
    assert dots["encoding"]["color"]["field"] == "comparison"
    assert rule["mark"]["strokeDash"] == [6, 4]
    assert spec["height"] == 26 * 3 + 10 and spec["width"] == "container"
    plotted = spec["datasets"][whiskers["data"]["name"]]
    assert set(plotted[0]) == {"agent", "mean_score", "mean_score_lower", "mean_score_upper",
                               "comparison"}  # fmt: skip


def test_interval_bars_without_a_reference_have_no_rule():
    spec = charts.interval_bars(
        agents_with_intervals(), "agent", "mean_score", "mean_score_lower",
        "mean_score_upper", "QA score (points)", domain=(0, 100),
    ).to_dict()  # fmt: skip
    assert len(spec["layer"]) == 2
    assert spec["layer"][1]["encoding"]["x"]["scale"]["domain"] == [0, 100]


def test_interval_trend_draws_each_periods_interval_beside_the_other_series():
    rows = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-06-01", "2026-06-08"] * 2),
            "mean_score": [80.0, 82.0, 75.0, 76.0],
            "mean_score_lower": [74.0, 77.0, 74.0, 75.0],
            "mean_score_upper": [86.0, 87.0, 76.0, 77.0],
            "source": ["human", "human", "machine", "machine"],
        }
    )
    whiskers, dots = charts.interval_trend(
        rows, "period_start", "mean_score", "mean_score_lower", "mean_score_upper",
        "QA score (points)", "source", "Scored by", colours=charts.SOURCE_COLOURS,
    ).to_dict()["layer"]  # fmt: skip
    assert (whiskers["encoding"]["y"]["field"], whiskers["encoding"]["y2"]["field"]) == (
        "mean_score_lower", "mean_score_upper",
    )  # fmt: skip
    assert dots["encoding"]["y"]["field"] == "mean_score"
    assert whiskers["encoding"]["xOffset"]["field"] == "source"
    assert whiskers["encoding"]["color"]["scale"]["domain"] == ["human", "machine"]


def test_intervals_read_as_a_range_and_a_dash_where_there_is_none():
    rows = pd.DataFrame({"low": [0.0123, None], "high": [0.25, 0.5]})
    assert charts.interval_texts(rows, "low", "high", ".0f", 100) == ["1 – 25", "–"]
    assert charts.interval_text(-1.25, 3.0, "+.1f") == "-1.2 – +3.0"

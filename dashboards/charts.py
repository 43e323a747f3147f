"""Chart builders: pure functions from mart rows to Altair charts (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd


@dataclass(frozen=True)
class Metric:
    column: str
    title: str
    target: str
    count: str  # how many units stand behind the value
    count_title: str
    axis_format: str
    higher_is_better: bool


METRICS = (
    Metric("qa_score_avg", "QA score", "qa_score_target", "evaluations_count", "Evaluations",
           ".0f", True),
    Metric("critical_fail_rate", "Critical-fail rate", "critical_fail_rate_target",
           "evaluations_count", "Evaluations", ".0%", False),
    Metric("csat_satisfied_rate", "CSAT (share 4-5)", "csat_satisfied_rate_target",
           "csat_responses", "Survey responses", ".1%", True),
    Metric("handle_seconds_avg", "Handle time (s)", "handle_seconds_target", "handled_count",
           "Handled contacts", ".0f", False),
)  # fmt: skip


def format_value(metric: Metric, value: float | None) -> str:
    """How a metric's value reads on a tile (shared with tests)."""
    if value is None or pd.isna(value):
        return "–"
    if metric.axis_format.endswith("%"):
        return f"{value:.1%}"
    return f"{value:.1f}" if metric.column == "qa_score_avg" else f"{value:.0f}"


def segment_label(kind: str, value: str) -> str:
    """How a chart's segment reads: 'team T02', or 'whole centre' for the all segment."""
    return "whole centre" if kind == "all" else f"{kind} {value}"


def metric_trend(frame: pd.DataFrame, metric: Metric, width: int = 420) -> alt.LayerChart:
    """Weekly values as a line with points, the target as a dashed step line."""
    plotted = frame[["week_start", metric.column, metric.target, metric.count]]
    base = alt.Chart().encode(
        x=alt.X("week_start:T", title="ISO week (Monday)", axis=alt.Axis(format="%d %b")),
    )
    tooltip = [
        alt.Tooltip("week_start:T", title="Week of", format="%d %b %Y"),
        alt.Tooltip(f"{metric.column}:Q", title=metric.title, format=metric.axis_format),
        alt.Tooltip(f"{metric.target}:Q", title="Target", format=metric.axis_format),
        alt.Tooltip(f"{metric.count}:Q", title=metric.count_title),
    ]
    values = base.mark_line(point=alt.OverlayMarkDef(size=50)).encode(
        y=alt.Y(
            f"{metric.column}:Q",
            title=metric.title,
            axis=alt.Axis(format=metric.axis_format),
            scale=alt.Scale(zero=False),
        ),
        tooltip=tooltip,
    )
    target = base.mark_line(strokeDash=[6, 4], color="#d62728", interpolate="step-after").encode(
        y=f"{metric.target}:Q", tooltip=tooltip
    )
    return alt.layer(values, target, data=plotted).properties(
        title=metric.title, width=width, height=220
    )


def metric_grid(frame: pd.DataFrame, width: int = 420) -> alt.VConcatChart:
    """The four headline metrics as a 2 × 2 grid of trends against target."""
    charts = [metric_trend(frame, metric, width) for metric in METRICS]
    return alt.vconcat(alt.hconcat(*charts[:2]), alt.hconcat(*charts[2:]))


DISPERSION_PARTS = ("s", "r", "mr")
PLOTTED_POINT_COLUMNS = [
    "subgroup_start", "value", "center", "lcl", "ucl", "n", "stage", "rules_fired",
]  # fmt: skip


def control_chart_part(points: pd.DataFrame, part: str, width: int = 900) -> alt.LayerChart:
    """One chart part: points, centre and limits as stored (stepped, per stage), stage
    boundaries as labelled rules, signalled points in red with their rules in the tooltip."""
    frame = points[points["chart"] == part]
    base = alt.Chart().encode(
        x=alt.X("subgroup_start:T", title="Subgroup", axis=alt.Axis(format="%d %b"))
    )
    tooltip = [
        alt.Tooltip("subgroup_start:T", title="Subgroup", format="%d %b %Y"),
        alt.Tooltip("value:Q", title="Value", format=".4~f"),
        alt.Tooltip("center:Q", title="Centre", format=".4~f"),
        alt.Tooltip("lcl:Q", title="LCL", format=".4~f"),
        alt.Tooltip("ucl:Q", title="UCL", format=".4~f"),
        alt.Tooltip("n:Q", title="n"),
        alt.Tooltip("stage:O", title="Stage"),
        alt.Tooltip("rules_fired:N", title="Rules fired"),
    ]
    limits = [
        base.mark_line(interpolate="step-after", color=color, strokeDash=dash).encode(
            y=alt.Y(f"{column}:Q", title=part), detail="stage:O"
        )
        for column, color, dash in (
            ("ucl", "#d62728", [5, 3]),
            ("center", "#2ca02c", [1, 0]),
            ("lcl", "#d62728", [5, 3]),
        )
    ]
    values = base.mark_line(point=True, color="#1f77b4").encode(
        y=alt.Y("value:Q", title=part, scale=alt.Scale(zero=False)), tooltip=tooltip
    )
    flagged = (
        base.transform_filter("datum.rules_fired != null")
        .mark_point(color="#d62728", size=120, filled=True)
        .encode(y="value:Q", tooltip=tooltip)
    )
    boundaries = frame.loc[frame["stage"] > 1, ["stage", "stage_started_on", "stage_started_by"]]
    boundaries = boundaries.drop_duplicates("stage")
    stage_tooltip = [
        alt.Tooltip("stage_started_on:T", title="New stage from", format="%d %b %Y"),
        alt.Tooltip("stage_started_by:N", title="Process change"),
    ]
    stage_rules = (
        alt.Chart(boundaries)
        .mark_rule(color="#7f7f7f", strokeDash=[2, 2])
        .encode(x="stage_started_on:T", tooltip=stage_tooltip)
    )
    stage_labels = (
        alt.Chart(boundaries)
        .transform_calculate(change="split(datum.stage_started_by, ':')[0]")
        .mark_text(align="left", dx=3, dy=-6, color="#555")
        .encode(x="stage_started_on:T", y=alt.value(0), text="change:N", tooltip=stage_tooltip)
    )
    height = 160 if part in DISPERSION_PARTS else 280
    return alt.layer(
        *limits, values, flagged, stage_rules, stage_labels, data=frame[PLOTTED_POINT_COLUMNS]
    ).properties(width=width, height=height, title=part)


def control_chart(points: pd.DataFrame, width: int = 900, title: str = "") -> alt.VConcatChart:
    """The chart of location on top, its dispersion companion (S, R or MR) below."""
    parts = sorted(points["chart"].unique(), key=lambda part: part in DISPERSION_PARTS)
    return alt.vconcat(*[control_chart_part(points, part, width) for part in parts], title=title)

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


def metric_trend(frame: pd.DataFrame, metric: Metric, width: int = 420) -> alt.LayerChart:
    """Weekly values as a line with points, the target as a dashed step line."""
    base = alt.Chart(frame).encode(
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
    return alt.layer(values, target).properties(title=metric.title, width=width, height=220)


def metric_grid(frame: pd.DataFrame, width: int = 420) -> alt.VConcatChart:
    """The four headline metrics as a 2 × 2 grid of trends against target."""
    charts = [metric_trend(frame, metric, width) for metric in METRICS]
    return alt.vconcat(alt.hconcat(*charts[:2]), alt.hconcat(*charts[2:]))

"""One control chart: pick metric, segment and grain; the selection lives in the URL. A link
from the attention list also names the window that made the item, which the chart shades."""

import pandas as pd
import streamlit as st

from dashboards import charts, queries, specs
from dashboards.filters import url_select

SEGMENT_KINDS = ("all", "site", "team", "queue", "channel", "agent")


def marked_window() -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The window named in the URL (window_start, window_end), if both are dates."""
    try:
        start = pd.Timestamp(st.query_params["window_start"])
        end = pd.Timestamp(st.query_params["window_end"])
    except (KeyError, ValueError):
        return None
    return (start, end) if start <= end else None


def segment_names() -> dict[str, dict[str, str]]:
    """Names of teams and agents by id, for pickers and titles."""
    people = queries.people()
    return {
        "team": dict(zip(people["team_id"], people["team_name"], strict=True)),
        "agent": dict(zip(people["agent_id"], people["agent_name"], strict=True)),
    }


st.title("Control chart")
try:
    series = queries.spc_series()
    metrics = queries.metrics().set_index("metric")
    names = segment_names()
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()

labels = metrics["label"].to_dict()
metric = url_select(
    "Metric", [name for name in labels if name in set(series["metric"])], "metric", labels.get
)
if metric is None:
    st.stop()
series = series[series["metric"] == metric]
details = sorted(series["metric_detail"].unique())
detail = ""
if details != [""]:
    detail = url_select("Question", details, "detail")
    series = series[series["metric_detail"] == detail]
grain = url_select("Grain", sorted(series["grain"].unique()), "grain")
series = series[series["grain"] == grain]
kinds = [kind for kind in SEGMENT_KINDS if kind in set(series["segment_kind"])]
kind = url_select("Segment", kinds, "segment_kind", lambda kind: kind.capitalize())
series = series[series["segment_kind"] == kind]
known = names.get(kind, {})
value = url_select(
    "Value",
    sorted(series["segment_value"].unique()),
    "segment_value",
    lambda value: f"{known[value]} ({value})" if value in known else value,
)
if None in (detail, grain, kind, value):
    st.stop()
series_id = series[series["segment_value"] == value]["series_id"].iloc[0]

metric_row = {"metric": metric, **metrics.loc[metric].to_dict()}
points = queries.spc_points(series_id)
signals = queries.spc_signals(series_id)
window = marked_window()
latest = points[points["stage"] == points["stage"].max()]
baseline = latest[latest["in_baseline"]]

segment = charts.segment_label(kind, value, known.get(value))
subject = (labels[metric], detail, segment, f"by {grain}")
st.subheader(charts.plain(" · ".join(part for part in subject if part)))
left, right = st.columns([3, 1])
with left:
    for part in charts.chart_parts(points):
        spec = specs.control_chart_part(points, part, metric_row, window)
        st.vega_lite_chart(spec, width="stretch")
with right:
    chart_type = latest["chart_type"].iloc[0]
    st.markdown(f"**{charts.CHART_NAMES.get(chart_type) or charts.plain(chart_type)}**")
    st.caption(charts.plain(latest["chart_choice_reason"].iloc[0]))
    if baseline.empty:
        st.caption("No baseline subgroups in the current stage yet.")
    else:
        st.caption(
            f"Limits of stage {baseline['stage'].iloc[0]} come from its baseline"
            f" {baseline['subgroup_start'].min():%d %b %Y} – {baseline['subgroup_start'].max():%d %b %Y}"
            " and are held after it."
        )
    if window:
        st.caption(
            f"Shaded: {window[0]:%d %b} – {window[1]:%d %b %Y}, the window that put this series"
            " on the attention list."
        )
    if points["is_provisional"].any():
        st.caption("Hollow grey points: data still arriving; they never signal.")
    explanation = latest["limits_explanation"].dropna()
    if len(explanation):
        st.info(explanation.iloc[0])  # our sentence, built from numbers only

st.subheader("Signals")
fmt = metric_row["format"]
shown = signals.assign(
    chart=signals["chart"].map(lambda part: charts.PART_NAMES.get(part, labels[metric])),
    **{
        column: signals[column].map(lambda number: charts.format_value(fmt, number))
        for column in ("value", "center", "lcl", "ucl")
    },
)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        "subgroup_start": st.column_config.DateColumn("Subgroup", format="D MMM YYYY"),
        "chart": "Chart",
        "rule": "Rule",
        "rule_description": "What the rule saw",
        "value": "Value",
        "center": "Centre line",
        "lcl": "Lower limit",
        "ucl": "Upper limit",
    },
)
st.download_button("Download signals (CSV)", charts.csv_bytes(signals), "signals.csv", "text/csv")
st.download_button("Download chart data (CSV)", charts.csv_bytes(points), "chart.csv", "text/csv")

"""One control chart: pick metric, segment and grain; the selection lives in the URL. A link
from the attention list also names the window that made the item, which the chart shades."""

import pandas as pd
import streamlit as st

from dashboards import charts, queries, specs


def pick(label: str, options: list[str], key: str, format_func=str) -> str:
    """A selectbox whose choice is read from and written to the URL query parameters."""
    wanted = st.query_params.get(key)
    index = options.index(wanted) if wanted in options else 0
    choice = st.sidebar.selectbox(
        label, options, index=index, key=f"pick_{key}", format_func=format_func
    )
    st.query_params[key] = choice
    return choice


def marked_window() -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The window named in the URL (window_start, window_end), if both are dates."""
    try:
        start = pd.Timestamp(st.query_params["window_start"])
        end = pd.Timestamp(st.query_params["window_end"])
    except (KeyError, ValueError):
        return None
    return (start, end) if start <= end else None


st.title("Control chart")
try:
    series = queries.spc_series()
    labels = queries.metrics().set_index("metric")["label"].to_dict()
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()

metric = pick(
    "Metric", sorted(series["metric"].unique(), key=list(labels).index), "metric", labels.get
)
series = series[series["metric"] == metric]
details = sorted(series["metric_detail"].unique())
detail = ""
if details != [""]:
    detail = pick("Question", details, "detail")
    series = series[series["metric_detail"] == detail]
grain = pick("Grain", sorted(series["grain"].unique()), "grain")
series = series[series["grain"] == grain]
kind = pick("Segment", sorted(series["segment_kind"].unique()), "segment_kind")
series = series[series["segment_kind"] == kind]
value = pick("Value", sorted(series["segment_value"].unique()), "segment_value")
series_id = series[series["segment_value"] == value]["series_id"].iloc[0]

points = queries.spc_points(series_id)
signals = queries.spc_signals(series_id)
window = marked_window()
latest = points[points["stage"] == points["stage"].max()]
baseline = latest[latest["in_baseline"]]

subject = (labels[metric], detail, charts.segment_label(kind, value), grain)
st.subheader(" · ".join(part for part in subject if part))
left, right = st.columns([3, 1])
with left:
    for part in charts.chart_parts(points):
        st.vega_lite_chart(specs.control_chart_part(points, part, window), width="stretch")
with right:
    st.metric("Chart", latest["chart_type"].iloc[0])
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
        st.info(explanation.iloc[0])

st.subheader("Signals")
st.dataframe(
    signals,
    hide_index=True,
    width="stretch",
    column_config={"subgroup_start": st.column_config.DateColumn("Subgroup", format="D MMM YYYY")},
)
st.download_button("Download signals (CSV)", charts.csv_bytes(signals), "signals.csv", "text/csv")
st.download_button("Download chart data (CSV)", charts.csv_bytes(points), "chart.csv", "text/csv")

"""One control chart: pick metric, segment and grain; the selection lives in the URL."""

import streamlit as st

from dashboards import charts, queries, specs


def pick(label: str, options: list[str], key: str) -> str:
    """A selectbox whose choice is read from and written to the URL query parameters."""
    wanted = st.query_params.get(key)
    index = options.index(wanted) if wanted in options else 0
    choice = st.sidebar.selectbox(label, options, index=index, key=f"pick_{key}")
    st.query_params[key] = choice
    return choice


st.title("Control chart")
try:
    series = queries.spc_series()
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()

metric = pick("Metric", sorted(series["metric"].unique()), "metric")
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
latest = points[points["stage"] == points["stage"].max()]
baseline = latest[latest["in_baseline"]]

left, right = st.columns([3, 1])
with left:
    subject = (metric, detail, charts.segment_label(kind, value), grain)
    title = " · ".join(part for part in subject if part)
    st.vega_lite_chart(specs.control_chart(points, 720, title), width="content")
with right:
    st.metric("Chart", latest["chart_type"].iloc[0])
    st.caption(latest["chart_choice_reason"].iloc[0])
    if baseline.empty:
        st.caption("No baseline subgroups in the current stage yet.")
    else:
        st.caption(
            f"Limits of stage {baseline['stage'].iloc[0]} come from its baseline"
            f" {baseline['subgroup_start'].min():%d %b %Y} – {baseline['subgroup_start'].max():%d %b %Y}"
            " and are held after it."
        )
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
st.download_button(
    "Download signals (CSV)", signals.to_csv(index=False).encode(), "signals.csv", "text/csv"
)
st.download_button(
    "Download chart data (CSV)", points.to_csv(index=False).encode(), "chart.csv", "text/csv"
)

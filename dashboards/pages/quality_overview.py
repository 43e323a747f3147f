"""Quality overview: the headline metrics per ISO week against target, by site/team/channel."""

import pandas as pd
import streamlit as st

from dashboards import charts, queries, specs

ALL = "All"


def pick_segment(options: pd.DataFrame) -> tuple[str, str, str]:
    """Sidebar filters; every combination, 'All' included, is a row of the mart."""
    sites = [ALL] + sorted(set(options["site"]) - {ALL})
    site = st.sidebar.selectbox("Site", sites)
    in_site = options[(options["site"] == site) & (options["team_id"] != ALL)]
    teams = dict(sorted(zip(in_site["team_id"], in_site["team_name"], strict=True)))
    team_id = st.sidebar.selectbox(
        "Team", [ALL, *teams], format_func=lambda key: teams.get(key, key)
    )
    channels = [ALL] + sorted(set(options["channel"]) - {ALL})
    channel = st.sidebar.selectbox("Channel", channels)
    return site, team_id, channel


def headline_tiles(weekly: pd.DataFrame) -> None:
    complete = weekly[weekly["is_complete_week"]]
    latest = (complete if len(complete) else weekly).iloc[-1]
    st.caption(f"Latest complete ISO week: {latest['iso_year']}-W{latest['iso_week']:02d}")
    for column, metric in zip(st.columns(len(charts.METRICS)), charts.METRICS, strict=True):
        target = latest[metric.target]
        column.metric(
            metric.title,
            charts.format_value(metric, latest[metric.column]),
            delta=None if pd.isna(target) else f"target {charts.format_value(metric, target)}",
            delta_color="off",
            help=f"{metric.count_title}: {latest[metric.count]}",
        )


st.title("Quality overview")
st.write(
    "QA score, critical fails, customer satisfaction and handle time per ISO week, against"
    " the targets in force. Dashed red lines are targets."
)
try:
    site, team_id, channel = pick_segment(queries.segment_options())
    weekly = queries.quality_weekly(site, team_id, channel)
except queries.WarehouseMissing as missing:
    st.error(
        f"No published warehouse at `{missing}` yet. Build it with `qm run` (or `make demo`),"
        " or point QM_WAREHOUSE at a published file."
    )
    st.stop()

if weekly.empty:
    st.info("No contacts or evaluations for this selection.")
    st.stop()

headline_tiles(weekly)
st.vega_lite_chart(specs.metric_grid(weekly), width="content")
st.subheader("Weekly figures")
st.dataframe(
    weekly,
    hide_index=True,
    width="stretch",
    column_config={"week_start": st.column_config.DateColumn("Week of", format="D MMM YYYY")},
)
st.download_button(
    "Download CSV",
    weekly.to_csv(index=False).encode(),
    file_name=f"quality_weekly_{site}_{team_id}_{channel}.csv".replace(" ", "_"),
    mime="text/csv",
)

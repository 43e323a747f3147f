"""What needs attention: the short, ranked list of series whose recent shift is unlikely to
be chance (mart_spc_attention), process level first, single agents grouped by team."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboards import charts, queries

SHOWN = 10


def chart_link(row: dict) -> str:
    """The item's control chart, with the window that made the item marked."""
    parameters = {
        "metric": row["metric"],
        "grain": row["grain"],
        "segment_kind": row["segment_kind"],
        "segment_value": row["segment_value"],
    }
    if row["metric_detail"]:
        parameters["detail"] = row["metric_detail"]
    parameters["window_start"] = f"{row['window_start']:%Y-%m-%d}"
    parameters["window_end"] = f"{row['window_end']:%Y-%m-%d}"
    return "control-chart?" + urlencode(parameters)


def contacts_link(row: dict) -> str:
    """The contacts of the item's segment in its window, on the Interactions page."""
    parameters = {"segment_kind": row["segment_kind"], "segment_value": row["segment_value"]}
    parameters["start"] = f"{row['window_start']:%Y-%m-%d}"
    parameters["end"] = f"{row['window_end']:%Y-%m-%d}"
    return "interactions?" + urlencode(parameters)


def item_line(row: dict) -> str:
    mark = ":material/trending_down:" if row["is_worse"] else ":material/trending_up:"
    verdict = "worse" if row["is_worse"] else "better"
    return (
        f"{mark} **{verdict}** · {charts.plain(row['sentence'])} [open chart]({chart_link(row)})"
        f" · [contacts]({contacts_link(row)})"
    )


def show_item(row: dict, folded: pd.DataFrame) -> None:
    st.markdown(item_line(row))
    under = folded[folded["folded_under_series_id"] == row["series_id"]]
    if len(under):
        seen = "; ".join(
            f"{other['segment_label']} ({other['grain']})" for other in under.to_dict("records")
        )
        st.caption(charts.plain(f"The same change also shows for {seen}."))


st.title("What needs attention")
try:
    items = queries.needs_attention()
    summary = queries.attention_summary().set_index("level")
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()

tested, rate = summary["tested_count"], summary["false_discovery_rate"].iloc[0]
st.write(
    "Every series (a metric for one segment, by day or by week) is tested for a shift in its"
    " latest complete days or weeks against its baseline, allowing for its usual day-to-day"
    " variation. Listed are the shifts that stand out among all the series tested"
    f" ({tested['process']:,} for the centre, sites, teams, queues and channels;"
    f" {tested['agent']:,} for single agents), ranked by their impact, with the false"
    f" discovery rate held at {rate:.0%}: on average, at most {rate:.0%} of the listed items"
    " are false alarms."
)

process = items[items["level"] == "process"]
top = process[process["rank"].notna()].sort_values("rank").to_dict("records")
folded = process[process["rank"].isna()]
st.subheader("Centre, sites, teams, queues and channels")
if not top:
    st.success(
        "Nothing stands out: no recent shift at the centre, site, team, queue or channel level"
        " is larger than everyday variation explains."
    )
for row in top[:SHOWN]:
    show_item(row, folded)
if len(top) > SHOWN:
    with st.expander(f"Show all {len(top)} items"):
        for row in top[SHOWN:]:
            show_item(row, folded)

agents = items[(items["level"] == "agent") & items["rank"].notna()].sort_values("rank")
st.subheader("Single agents")
if agents.empty:
    st.success("No single agent's recent results stand out from everyday variation.")
for team_id in agents["team_id"].drop_duplicates():
    in_team = agents[agents["team_id"] == team_id].to_dict("records")
    name = in_team[0]["team_name"] or team_id
    with st.expander(
        f"Team {charts.plain(name)} ({charts.plain(team_id)}): {len(in_team)} item(s)"
    ):
        for row in in_team:
            st.markdown(item_line(row))

if len(items):
    st.subheader("Every listed series")
    table = items.assign(chart_link=[chart_link(row) for row in items.to_dict("records")])
    st.dataframe(
        table[
            [
                "level",
                "rank",
                "metric_label",
                "metric_detail",
                "segment_label",
                "grain",
                "window_start",
                "window_end",
                "sentence",
                "q_value",
                "chart_link",
            ]
        ],  # fmt: skip
        hide_index=True,
        width="stretch",
        column_config={
            "level": "Level",
            "rank": "Rank",
            "metric_label": "Metric",
            "metric_detail": "Question",
            "segment_label": "Segment",
            "grain": "Grain",
            "window_start": st.column_config.DateColumn("Since", format="D MMM YYYY"),
            "window_end": st.column_config.DateColumn("Until", format="D MMM YYYY"),
            "sentence": "What happened",
            "q_value": st.column_config.NumberColumn("q-value", format="%.2g"),
            "chart_link": st.column_config.LinkColumn("Chart", display_text="open chart"),
        },
    )
    st.download_button("Download CSV", charts.csv_bytes(items), "needs_attention.csv", "text/csv")

"""Quality overview: the overview metrics of the registry per ISO week against target, by
site, team and channel."""

import pandas as pd
import streamlit as st

from dashboards import charts, queries, specs
from dashboards.filters import url_select

ALL = "All"


def pick_segment(options: pd.DataFrame) -> tuple[str | None, str | None, str | None]:
    """Sidebar filters, kept in the URL (site, team, channel); every combination, 'All'
    included, is a cell of the mart."""
    sites = [ALL] + sorted(set(options["site"]) - {ALL})
    site = url_select("Site", sites, "site", default=ALL)
    in_site = options[(options["site"] == (site or ALL)) & (options["team_id"] != ALL)]
    teams = dict(sorted(zip(in_site["team_id"], in_site["team_name"], strict=True)))
    team_id = url_select(
        "Team",
        [ALL, *teams],
        "team",
        lambda key: key if key == ALL else charts.team_label(key, teams.get(key)),
        default=ALL,
    )
    channels = [ALL] + sorted(set(options["channel"]) - {ALL})
    channel = url_select("Channel", channels, "channel", default=ALL)
    return site, team_id, channel


def target_delta(metric: dict, row: pd.Series) -> dict:
    """The tile's delta: how far from target, in words, coloured by the target's direction."""
    if pd.isna(row["target"]):
        return {"delta": None}
    words, colour = charts.target_gap(metric, row["value"], row["target"], row["target_direction"])
    arrow = (
        "up" if row["value"] > row["target"] else "down" if row["value"] < row["target"] else "off"
    )
    return {"delta": words, "delta_color": colour, "delta_arrow": arrow}


def headline_tiles(weekly: pd.DataFrame, metrics: pd.DataFrame) -> None:
    """Each metric's latest complete week: evaluations arrive days after the contact, so
    the QA score's latest complete week can be older than the handle time's."""
    st.caption("Each tile shows the latest ISO week whose data is complete for that metric.")
    for column, metric in zip(st.columns(len(metrics)), metrics.to_dict("records"), strict=True):
        rows = weekly[(weekly["metric"] == metric["metric"]) & weekly["is_complete_week"]]
        if rows.empty:
            column.metric(metric["label"], "–", help="No complete week for this selection.")
            continue
        row = rows.iloc[-1]
        target = charts.format_value(metric["format"], row["target"])
        column.metric(
            metric["label"],
            charts.format_value(metric["format"], row["value"]),
            **target_delta(metric, row),
            help=f"ISO week {row['iso_year']}-W{row['iso_week']:02d};"
            f" {metric['units']}: {row['units']:,}; target {target}",
        )


st.title("Quality overview")
st.write(
    "The headline metrics per ISO week, against the targets in force. Dashed red lines are targets."
)
try:
    site, team_id, channel = pick_segment(queries.segment_options())
    metrics = queries.metrics()
except queries.WarehouseMissing as missing:
    st.error(
        f"No published warehouse at `{missing}` yet. Build it with `qm run` (or `make demo`),"
        " or point QM_WAREHOUSE at a published file."
    )
    st.stop()
if None in (site, team_id, channel):
    st.stop()
weekly = queries.quality_weekly(site, team_id, channel)

if weekly.empty:
    st.info("No contacts or evaluations for this selection.")
    st.stop()

overview = metrics[metrics["is_on_overview"]]
headline_tiles(weekly, overview)
records = overview.to_dict("records")
for pair in (records[index : index + 2] for index in range(0, len(records), 2)):
    for column, metric in zip(st.columns(2), pair, strict=False):
        rows = weekly[weekly["metric"] == metric["metric"]]
        column.vega_lite_chart(specs.metric_trend(rows, metric), width="stretch")

st.subheader("Weekly figures")
labels = metrics.set_index("metric")
table = weekly.assign(
    metric=weekly["metric"].map(labels["label"]),
    value=[
        charts.format_value(labels.loc[metric, "format"], value)
        for metric, value in zip(weekly["metric"], weekly["value"], strict=True)
    ],
    target=[
        charts.format_value(labels.loc[metric, "format"], value)
        for metric, value in zip(weekly["metric"], weekly["target"], strict=True)
    ],
)
st.dataframe(
    table[
        ["week_start", "metric", "value", "units", "target", "is_target_met", "is_complete_week"]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "week_start": st.column_config.DateColumn("Week of", format="D MMM YYYY"),
        "metric": "Metric",
        "value": "Value",
        "units": st.column_config.NumberColumn("Units behind it", format="localized"),
        "target": "Target",
        "is_target_met": "Target met",
        "is_complete_week": "Complete week",
    },
)
st.download_button(
    "Download CSV",
    charts.csv_bytes(weekly),
    file_name=f"quality_weekly_{site}_{team_id}_{channel}.csv".replace(" ", "_"),
    mime="text/csv",
)

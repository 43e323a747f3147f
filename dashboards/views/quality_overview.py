"""Quality overview: the overview metrics of the registry per ISO week against target, by
site, team and channel; the top recommended actions; every target against its actual in
its latest complete week or month (URL parameter `targets`)."""

import re
from urllib.parse import quote, urlencode

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


PAGE_LINK = re.compile(r"^[a-z][a-z_-]*(\?[^\n\r]*)?$")  # a dashboard page's relative path
STATUS_COLOURS = {"met": "green", "missed": "red", "not enough data to say": "gray"}
TARGET_GRAINS = {"week": "Latest complete week", "month": "Latest complete month"}


def page_link(link: object) -> str | None:
    """A link from the warehouse when it is a path to a page of this dashboard, else None
    (never a link to elsewhere, never Markdown)."""
    if not isinstance(link, str) or not PAGE_LINK.match(link):
        return None
    return quote(link, safe="/?&=%:-_.~,+")  # spaces, brackets and parentheses escaped


def show_actions() -> None:
    """The top recommended actions (mart_recommended_actions), each with its evidence and
    a link to where it is seen."""
    st.subheader("Top recommended actions")
    actions = queries.recommended_actions(5)
    if actions.empty:
        st.info("Nothing to recommend: no missed target, signal, coaching gap or driver.")
        return
    for action in actions.itertuples():
        with st.container(border=True):
            st.markdown(f"**{action.action_rank:.0f}\\. " + charts.plain(action.headline) + "**")
            if isinstance(action.detail, str) and action.detail:
                st.write(charts.plain(action.detail))
            notes = []
            if isinstance(action.evidence, str) and action.evidence:
                notes.append("Evidence: " + charts.plain(action.evidence))
            if pd.notna(action.impact):
                unit = action.impact_unit if isinstance(action.impact_unit, str) else ""
                notes.append(charts.plain(f"Impact: {action.impact:,.1f} {unit}".rstrip()))
            link = page_link(action.link)
            if link:
                notes.append(f"[Open]({link})")
            if notes:
                st.caption(" · ".join(notes))
    st.download_button(
        "Download recommended actions (CSV)",
        charts.csv_bytes(actions),
        "recommended_actions.csv",
        "text/csv",
        key="recommended_actions",
    )


def show_targets() -> None:
    """Every target against its actual in its latest complete period: met, missed or not
    enough data to say (from the interval), and the state of its control chart."""
    st.subheader("Targets: plan against actual")
    grain = url_select("Targets by", list(TARGET_GRAINS), "targets", TARGET_GRAINS.get)
    if grain is None:
        return
    objectives = queries.quality_objectives_latest(grain)
    if objectives.empty:
        st.info("No target has a complete period yet.")
        return
    counts = objectives["status"].value_counts()
    st.write(
        charts.plain(
            f"Every target in force, in its latest complete {grain}, for the whole centre and"
            " each segment it names (not only the selection above): met when the actual's"
            " interval lies on the good side of the target, missed when it lies on the bad"
            " side, else not enough data to say. "
            + ", ".join(f"{counts.get(key, 0)} {key}" for key in STATUS_COLOURS)
            + "."
        )
    )
    interval = [
        "–" if pd.isna(low) or pd.isna(high)
        else f"{charts.format_value(fmt, low)} – {charts.format_value(fmt, high)}"
        for fmt, low, high in zip(objectives["format"], objectives["actual_lower"],
                                  objectives["actual_upper"], strict=True)
    ]  # fmt: skip
    table = objectives.assign(
        actual_text=[charts.format_value(fmt, value) for fmt, value in
                     zip(objectives["format"], objectives["actual"], strict=True)],
        target_text=[charts.format_value(fmt, value) for fmt, value in
                     zip(objectives["format"], objectives["target"], strict=True)],
        actual_interval=interval,
        chart_link=[
            "control-chart?" + urlencode({"metric": metric, "grain": "week",
                                          "segment_kind": kind, "segment_value": value})
            if pd.notna(series) else None
            for metric, kind, value, series in zip(
                objectives["metric"], objectives["segment_kind"], objectives["segment_value"],
                objectives["series_id"], strict=True)
        ],
    )  # fmt: skip
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_order=["metric_label", "segment_label", "period_start", "target_text",
                      "actual_text", "actual_interval", "units", "status", "spc_state",
                      "chart_link", "sentence"],
        column_config={
            "metric_label": "Metric",
            "segment_label": "Segment",
            "period_start": st.column_config.DateColumn("Period from", format="D MMM YYYY"),
            "target_text": "Target",
            "actual_text": "Actual",
            "actual_interval": "Actual, interval",
            "units": st.column_config.NumberColumn("Units behind it", format="localized"),
            "status": "Status",
            "spc_state": "Control chart",
            "chart_link": st.column_config.LinkColumn("Chart", display_text="control chart"),
            "sentence": st.column_config.TextColumn("In words", width="large"),
        },
    )  # fmt: skip
    st.download_button(
        "Download targets (CSV)",
        charts.csv_bytes(objectives),
        f"quality_objectives_{grain}.csv",
        "text/csv",
        key="quality_objectives",
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
show_actions()
records = overview.to_dict("records")
for pair in (records[index : index + 2] for index in range(0, len(records), 2)):
    for column, metric in zip(st.columns(2), pair, strict=False):
        rows = weekly[weekly["metric"] == metric["metric"]]
        column.vega_lite_chart(specs.metric_trend(rows, metric), width="stretch")

show_targets()

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

"""What needs attention: every control chart that signalled recently, newest first."""

from urllib.parse import urlencode

import streamlit as st

from dashboards import charts, queries

st.title("What needs attention")
st.write(
    "Control charts that signalled in their most recent subgroups: a change that is unlikely"
    " to be noise. Open a chart to see it against its limits."
)
try:
    attention = queries.needs_attention()
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()

if attention.empty:
    st.success("No control chart signalled recently.")
    st.stop()


def chart_link(row) -> str:
    parameters = {
        "metric": row["metric"],
        "grain": row["grain"],
        "segment_kind": row["segment_kind"],
        "segment_value": row["segment_value"],
    }
    if row["metric_detail"]:
        parameters["detail"] = row["metric_detail"]
    return "control-chart?" + urlencode(parameters)


def signal_line(row) -> str:
    subject = " · ".join(
        part
        for part in (
            row["metric"],
            row["metric_detail"],
            charts.segment_label(row["segment_kind"], row["segment_value"]),
            row["grain"],
        )
        if part
    )
    explained = f" — may be explained by {row['explained_by']}" if row["explained_by"] else ""
    return (
        f"**{subject}** — {row['rule_in_words']} on {row['signalled_on']:%d %b %Y}"
        f"{explained} · [open chart]({chart_link(row)})"
    )


# The centre, sites, teams, queues and channels first; single agents (many, and each a
# coaching matter rather than a process one) folded below.
is_agent = attention["segment_kind"] == "agent"
for row in attention[~is_agent].to_dict("records"):
    st.markdown(signal_line(row))
if is_agent.any():
    with st.expander(f"Single agents: {is_agent.sum()} charts signalled"):
        for row in attention[is_agent].head(300).to_dict("records"):
            st.markdown(signal_line(row))

st.subheader("All signalling charts")
table = attention.assign(
    chart_link=attention.apply(chart_link, axis=1),
    explained=attention["is_explained_by_change"].map({True: "yes", False: "no"}),
)
st.dataframe(
    table[
        [
            "signalled_on",
            "metric",
            "metric_detail",
            "segment_kind",
            "segment_value",
            "grain",
            "rule_in_words",
            "value",
            "lcl",
            "ucl",
            "explained",
            "explained_by",
            "chart_link",
        ]
    ],  # fmt: skip
    hide_index=True,
    width="stretch",
    column_config={
        "chart_link": st.column_config.LinkColumn("Chart", display_text="open chart"),
        "rule_in_words": "What happened",
        "signalled_on": st.column_config.DateColumn("Signalled on"),
        "explained": "Process change?",
    },
)
st.download_button(
    "Download CSV", attention.to_csv(index=False).encode(), "needs_attention.csv", "text/csv"
)

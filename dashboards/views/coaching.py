"""Coaching: who to coach on what first (agents missing a behaviour more often than the rest
of their team beyond chance, ranked by what closing the gap is worth), the contacts that
show it with the exact quote, whether past coaching sessions worked (difference in
differences against agents not coached) and how long feedback takes per supervisor.
Filters in the URL: `site`, `team`, `supervisor`, `source` (human, machine, friction)."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboards import charts, queries
from dashboards.filters import contact_link, url_select

ALL = "all"
SOURCES = {
    ALL: "All sources",
    "human": "People's evaluations",
    "machine": "Machine answers",
    "friction": "Friction in the conversation",
}
SOURCE_WORDS = {"human": "people", "machine": "machine", "friction": "friction"}
SOURCE_COLOURS = {"people": "#1f77b4", "machine": "#ff7f0e", "friction": "#2ca02c"}
VERDICT_COLOURS = {
    "better after coaching": "#2ca02c",
    "within noise": "#4c78a8",
    "worse after coaching": "#d62728",
    "not enough data to say": "#bbbbbb",
}
CARDS = 5  # opportunities shown with their evidence quotes
CHART_ROWS = 15  # opportunities on the chart


def pick_filters(roster: pd.DataFrame) -> tuple[str | None, ...]:
    """Site, team, supervisor and source, each from the URL; 'all' means no filter. A team
    or supervisor outside the chosen site is named and nothing is shown."""
    site = url_select("Site", [ALL, *sorted(roster["site"].dropna().unique())], "site",
                      lambda key: "All sites" if key == ALL else key, default=ALL)  # fmt: skip
    if site is None:
        return (None,) * 4
    in_site = roster if site == ALL else roster[roster["site"] == site]
    teams = dict(sorted(zip(in_site["team_id"], in_site["team_name"], strict=True)))
    team = url_select(
        "Team", [ALL, *teams], "team",
        lambda key: "All teams" if key == ALL else charts.team_label(key, teams.get(key)),
        default=ALL,
    )  # fmt: skip
    if team is None:
        return (None,) * 4
    in_team = in_site if team == ALL else in_site[in_site["team_id"] == team]
    led = in_team.dropna(subset=["supervisor_id"]).groupby("supervisor_id")["team_name"]
    supervisors = {key: ", ".join(sorted(set(names))) for key, names in led}
    supervisor = url_select(
        "Supervisor", [ALL, *sorted(supervisors)], "supervisor",
        lambda key: "All supervisors" if key == ALL else f"{key} ({supervisors.get(key)})",
        default=ALL,
    )  # fmt: skip
    source = url_select("Source", list(SOURCES), "source", SOURCES.get, default=ALL)
    return site, team, supervisor, source


def points(rows: pd.DataFrame, columns: list[str]) -> dict:
    """Shares as percentage points, for charts and tables."""
    return {f"{column}_points": 100 * rows[column] for column in columns}


def opportunity_table(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(
        agent_link=["scorecards?" + urlencode({"agent_id": agent}) for agent in rows["agent_id"]],
        source_text=rows["source"].map(SOURCE_WORDS),
        agent_interval=charts.interval_texts(rows, "agent_miss_lower", "agent_miss_upper",
                                             ".0f", 100),
        peer_interval=charts.interval_texts(rows, "peer_miss_lower", "peer_miss_upper",
                                            ".0f", 100),
        gap_interval=charts.interval_texts(rows, "gap_lower", "gap_upper", "+.0f", 100),
        status=[
            f"coached {coached:%d %b}: not proposed again" if recent else "proposed"
            for recent, coached in zip(rows["is_recently_coached"], rows["last_coached_at"],
                                       strict=True)
        ],
        **points(rows, ["gap"]),
    )  # fmt: skip


def show_opportunities(filters: tuple, rows: pd.DataFrame, evidence: pd.DataFrame) -> None:
    st.subheader("Coaching opportunities, ranked")
    summary = queries.coaching_tests(*filters).iloc[0]
    if summary["rows_count"] == 0:
        st.info("No agent has observations for this selection.")
        return
    proposed = rows[rows["priority_rank"].notna()]
    st.write(
        charts.plain(
            f"Contacts from {summary['window_start']:%d %b} to {summary['window_end']:%d %b %Y}."
            f" Of {summary['tested_count']:.0f} agent × behaviour pairs with enough"
            " observations to test, "
            f"{summary['significant_count']:.0f} miss the behaviour more often than the rest"
            " of their team beyond chance (Fisher's exact test, Benjamini–Hochberg across"
            f" each team's tests); {len(proposed)} are proposed, ranked by the CSAT points a"
            " week closing the gap would add (the agent's contacts × the gap × the behaviour's"
            " effect on CSAT from the customer page's drivers). Agents coached on the"
            " behaviour recently are listed but not proposed again."
        )
    )
    if rows.empty:
        st.info("No agent misses a behaviour beyond chance in this selection.")
        return
    table = opportunity_table(rows)
    shown = table[table["priority_rank"].notna()].head(CHART_ROWS)
    if len(shown):
        chart_rows = shown.assign(
            item=[f"{rank:.0f}. {name} · {label}" for rank, name, label in
                  zip(shown["priority_rank"], shown["agent_name"], shown["behaviour_label"],
                      strict=True)],
            **points(shown, ["gap_lower", "gap_upper"]),
        )  # fmt: skip
        st.altair_chart(
            charts.interval_bars(
                chart_rows, "item", "gap_points", "gap_lower_points", "gap_upper_points",
                "Misses above the rest of the team (percentage points)", value_format=".0f",
                reference=0.0, reference_title="As often as the team", colour="source_text",
                colour_title="Seen by", colours={key: colour for key, colour in
                                                 SOURCE_COLOURS.items()
                                                 if key in set(chart_rows["source_text"])},
            ),
            width="stretch",
        )  # fmt: skip
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_order=["priority_rank", "agent_link", "agent_name", "team_name", "source_text",
                      "behaviour_label", "agent_miss_rate", "agent_interval", "peer_miss_rate",
                      "peer_interval", "gap_points", "gap_interval", "q_value",
                      "contacts_per_week", "expected_csat_points_per_week",
                      "expected_resolutions_per_week", "status", "sentence"],
        column_config={
            "priority_rank": st.column_config.NumberColumn(
                "Rank", format="%d", help="Priority in the whole centre"),
            "agent_link": st.column_config.LinkColumn("Agent", display_text=r"agent_id=(.*)$"),
            "agent_name": "Name",
            "team_name": "Team",
            "source_text": "Seen by",
            "behaviour_label": st.column_config.TextColumn("Behaviour", width="medium"),
            "agent_miss_rate": st.column_config.NumberColumn("Agent misses", format="percent"),
            "agent_interval": "Agent, interval (%)",
            "peer_miss_rate": st.column_config.NumberColumn("Team misses", format="percent"),
            "peer_interval": "Team, interval (%)",
            "gap_points": st.column_config.NumberColumn("Gap (points)", format="%+.1f"),
            "gap_interval": "Gap, interval",
            "q_value": st.column_config.NumberColumn(
                "q-value", format="%.4f", help="Benjamini–Hochberg adjusted p-value"),
            "contacts_per_week": st.column_config.NumberColumn("Contacts a week", format="%.1f"),
            "expected_csat_points_per_week": st.column_config.NumberColumn(
                "CSAT points a week", format="%.1f"),
            "expected_resolutions_per_week": st.column_config.NumberColumn(
                "Resolutions a week", format="%.2f"),
            "status": "Status",
            "sentence": st.column_config.TextColumn("In words", width="large"),
        },
    )  # fmt: skip
    st.download_button(
        "Download opportunities (CSV)",
        charts.csv_bytes(rows),
        "coaching_opportunities.csv",
        "text/csv",
        key="coaching_opportunities",
    )
    show_evidence(proposed, evidence)


def show_evidence(proposed: pd.DataFrame, evidence: pd.DataFrame) -> None:
    st.subheader("Evidence")
    if proposed.empty:
        st.info("No opportunity is proposed in this selection.")
    for row in proposed.head(CARDS).itertuples():
        quotes = evidence[
            (evidence["agent_id"] == row.agent_id)
            & (evidence["source"] == row.source)
            & (evidence["behaviour_id"] == row.behaviour_id)
        ]
        with st.container(border=True):
            st.markdown(
                f"**{row.priority_rank:.0f}\\. "
                + charts.plain(f"{row.agent_name} ({row.agent_id}), {row.team_name}:"
                               f" {row.behaviour_label}") + "**"
            )  # fmt: skip
            st.write(charts.plain(row.sentence))
            lines = []
            for quote in quotes.itertuples():
                said = (
                    "“" + charts.plain(quote.quote) + "”"
                    if isinstance(quote.quote, str) and quote.quote
                    else "_failed without a comment_"
                )
                turn = (
                    f", turn {quote.evidence_turn_index:.0f}"
                    if pd.notna(quote.evidence_turn_index)
                    else ""
                )
                lines.append(
                    f"- {said} — [{charts.plain(quote.interaction_id)}]"
                    f"({contact_link(quote.interaction_id)})"
                    f"{turn}, {quote.observed_at:%d %b %H:%M}"
                )
            st.markdown("\n".join(lines) if lines else "No evidence contact recorded.")
    if evidence.empty:
        return
    st.markdown("**Every evidence contact of the opportunities listed above**")
    st.dataframe(
        # Links built here to our own page, never taken from the warehouse as they are.
        evidence.assign(source_text=evidence["source"].map(SOURCE_WORDS),
                        link=evidence["interaction_id"].map(contact_link)),
        hide_index=True,
        width="stretch",
        column_order=["priority_rank", "agent_name", "source_text", "behaviour_label",
                      "evidence_rank", "link", "observed_at", "evidence_turn_index", "quote"],
        column_config={
            "priority_rank": st.column_config.NumberColumn(
                "Rank", format="%d", help="Priority in the whole centre"),
            "agent_name": "Agent",
            "source_text": "Seen by",
            "behaviour_label": "Behaviour",
            "evidence_rank": st.column_config.NumberColumn("#", format="%d"),
            "link": st.column_config.LinkColumn("Contact", display_text=r"interaction_id=(.*)$"),
            "observed_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM HH:mm"),
            "evidence_turn_index": st.column_config.NumberColumn("Turn", format="%d"),
            "quote": st.column_config.TextColumn("Quote", width="large"),
        },
    )  # fmt: skip
    st.download_button(
        "Download evidence (CSV)",
        charts.csv_bytes(evidence),
        "coaching_evidence.csv",
        "text/csv",
        key="coaching_evidence",
    )


def verdict(row: pd.Series) -> str:
    if not row["has_enough_data"] or pd.isna(row["effect_lower"]):
        return "not enough data to say"
    if row["effect_lower"] > 0:
        return "better after coaching"
    if row["effect_upper"] < 0:
        return "worse after coaching"
    return "within noise"


def show_effectiveness(filters: tuple) -> pd.DataFrame:
    st.subheader("Did coaching work?")
    if filters[3] == "friction":
        st.info("Coaching sessions are measured on answers to questions: pick people's"
                " evaluations or machine answers as the source.")  # fmt: skip
        return pd.DataFrame()
    sessions = queries.coaching_effectiveness(*filters)
    if sessions.empty:
        st.info("No coaching session for this selection.")
        return sessions
    sessions = sessions.assign(
        verdict=sessions.apply(verdict, axis=1),
        source_text=sessions["source"].map(SOURCE_WORDS),
        effect_interval=charts.interval_texts(sessions, "effect_lower", "effect_upper",
                                              "+.0f", 100),
        **points(sessions, ["effect", "effect_lower", "effect_upper"]),
    )  # fmt: skip
    counts = sessions["verdict"].value_counts()
    st.write(
        charts.plain(
            "For each session, the coached agent's pass rate of the coached question in the"
            " weeks after it minus the weeks before, against the same change for agents not"
            " coached on that question (difference in differences, in percentage points, with"
            f" its interval). Of {len(sessions)} session × question × source rows: "
            + ", ".join(f"{counts.get(key, 0)} {key}" for key in VERDICT_COLOURS)
            + ". Rows whose after window is still open will change."
        )
    )
    charted = sessions[sessions["effect_lower"].notna()].head(CHART_ROWS * 2)
    if len(charted):
        charted = charted.assign(
            item=[f"{held:%d %b} · {name} ({source}) · {question}" for name, question, held,
                  source in zip(charted["agent_name"], charted["question_text"],
                                charted["held_at"], charted["source_text"], strict=True)],
        )  # fmt: skip
        st.altair_chart(
            charts.interval_bars(
                charted, "item", "effect_points", "effect_lower_points", "effect_upper_points",
                "Effect of coaching on the pass rate (percentage points)", value_format=".0f",
                reference=0.0, reference_title="No effect", colour="verdict",
                colour_title="Verdict", colours={key: colour for key, colour in
                                                 VERDICT_COLOURS.items()
                                                 if key in set(charted["verdict"])},
            ),
            width="stretch",
        )  # fmt: skip
    st.dataframe(
        sessions,
        hide_index=True,
        width="stretch",
        column_order=["held_at", "agent_name", "question_text", "source_text", "coach_id",
                      "agent_before_pass_rate", "agent_after_pass_rate",
                      "control_before_pass_rate", "control_after_pass_rate", "effect_points",
                      "effect_interval", "verdict", "is_after_window_complete",
                      "feedback_latency_days", "sentence"],
        column_config={
            "held_at": st.column_config.DatetimeColumn("Session (UTC)", format="D MMM YYYY"),
            "agent_name": "Agent",
            "question_text": st.column_config.TextColumn("Coached on", width="medium"),
            "source_text": "Answers by",
            "coach_id": "Coach",
            "agent_before_pass_rate": st.column_config.NumberColumn(
                "Agent before", format="percent"),
            "agent_after_pass_rate": st.column_config.NumberColumn(
                "Agent after", format="percent"),
            "control_before_pass_rate": st.column_config.NumberColumn(
                "Others before", format="percent"),
            "control_after_pass_rate": st.column_config.NumberColumn(
                "Others after", format="percent"),
            "effect_points": st.column_config.NumberColumn("Effect (points)", format="%+.1f"),
            "effect_interval": "Effect, interval",
            "verdict": "Verdict",
            "is_after_window_complete": "After window complete",
            "feedback_latency_days": st.column_config.NumberColumn(
                "Feedback latency (days)", format="%.1f"),
            "sentence": st.column_config.TextColumn("In words", width="large"),
        },
    )  # fmt: skip
    st.download_button(
        "Download coaching effectiveness (CSV)",
        charts.csv_bytes(sessions.drop(columns=["effect_points", "effect_lower_points",
                                                "effect_upper_points"])),
        "coaching_effectiveness.csv",
        "text/csv",
        key="coaching_effectiveness",
    )  # fmt: skip
    return sessions


def show_latency(coaches: list[str] | None) -> None:
    st.subheader("Feedback latency per supervisor")
    latency = queries.coaching_feedback_latency(coaches)
    if latency.empty:
        st.info("No coaching session for this selection.")
        return
    st.write(
        "Days from the evaluation that showed the gap to the coaching session, each coach's"
        " monthly mean with its t-interval: shorter feedback is fresher feedback."
    )
    latest = latency.dropna(subset=["mean_latency_days"]).groupby("coach_id").tail(1)
    if len(latest):
        st.write(
            charts.plain(
                "Latest month against the one before: "
                + "; ".join(f"{row.coach_id} {row.mean_latency_days:.1f} days ({row.latency_trend})"
                            for row in latest.itertuples())
                + "."
            )
        )  # fmt: skip
    charted = latency[latency["mean_latency_days"].notna()]
    if len(charted):
        st.altair_chart(
            charts.interval_trend(
                charted, "month_start", "mean_latency_days", "mean_latency_days_lower",
                "mean_latency_days_upper", "Feedback latency (days)", "coach_id", "Coach",
                period_format="%b %Y",
            ),
            width="stretch",
        )  # fmt: skip
    st.dataframe(
        latency.assign(
            latency_interval=charts.interval_texts(
                latency, "mean_latency_days_lower", "mean_latency_days_upper"),
            change_interval=charts.interval_texts(
                latency, "latency_change_lower", "latency_change_upper", "+.1f"),
        ),
        hide_index=True,
        width="stretch",
        column_order=["coach_id", "month_start", "sessions", "sessions_with_evidence",
                      "mean_latency_days", "latency_interval", "median_latency_days",
                      "latency_change_days", "change_interval", "latency_trend"],
        column_config={
            "coach_id": "Coach",
            "month_start": st.column_config.DateColumn("Month", format="MMM YYYY"),
            "sessions": st.column_config.NumberColumn("Sessions", format="%d"),
            "sessions_with_evidence": st.column_config.NumberColumn(
                "With evidence", format="%d"),
            "mean_latency_days": st.column_config.NumberColumn("Mean (days)", format="%.1f"),
            "latency_interval": "Mean, interval",
            "median_latency_days": st.column_config.NumberColumn(
                "Median (days)", format="%.1f"),
            "latency_change_days": st.column_config.NumberColumn(
                "Change (days)", format="%+.1f"),
            "change_interval": "Change, interval",
            "latency_trend": "Trend",
        },
    )  # fmt: skip
    st.download_button(
        "Download feedback latency (CSV)",
        charts.csv_bytes(latency),
        "coaching_feedback_latency.csv",
        "text/csv",
        key="coaching_feedback_latency",
    )


st.title("Coaching")
st.write(
    "Who to coach on what first, the contacts that show it, and whether coaching worked."
    " Pick a site, team, supervisor or source in the sidebar; the link keeps the choice."
)
try:
    roster = queries.coaching_roster()
    site, team, supervisor, source = pick_filters(roster)
    if None in (site, team, supervisor, source):
        st.stop()
    filters = tuple(None if value == ALL else value for value in (site, team, supervisor, source))
    opportunities = queries.coaching_opportunities(*filters)
    evidence = queries.coaching_evidence(*filters)
    show_opportunities(filters, opportunities, evidence)
    show_effectiveness(filters)
    chosen = roster
    for column, value in zip(("site", "team_id", "supervisor_id"), filters, strict=False):
        if value is not None:
            chosen = chosen[chosen[column] == value]
    narrowed = any(value is not None for value in filters[:3])
    show_latency(sorted(chosen["supervisor_id"].dropna().unique()) if narrowed else None)
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()

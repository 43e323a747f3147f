"""Scorecards: team and agent scores of a week or month with how far each can be trusted
(t-intervals, the "not distinguishable from the median" flag, the change against the
period before), how much of each agent's work is scored; and one agent by URL
(`?agent_id=…`): the trend, question pass rates and latest evaluations."""

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboards import charts, queries
from dashboards.filters import contact_link, url_select

GRAINS = {"week": "Week", "month": "Month"}
SOURCES = {"human": "People (standard evaluations)", "machine": "Machine (every transcript)"}
SCORE_TITLE = "QA score (points, 0–100)"
ALL_TEAMS = "all"
EVALUATION_TYPES = {"human": "standard", "machine": "auto"}  # fct_evaluations.evaluation_type


def period_label(grain: str, start: dt.date) -> str:
    return f"{start:%B %Y}" if grain == "month" else f"Week of {start:%d %b %Y}"


def with_interval_texts(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(
        score_interval=charts.interval_texts(rows, "mean_score_lower", "mean_score_upper"),
        critical_interval=charts.interval_texts(
            rows, "critical_fail_rate_lower", "critical_fail_rate_upper", ".0f", 100
        ),
        change_interval=charts.interval_texts(
            rows, "mean_score_change_lower", "mean_score_change_upper"
        ),
    )


def level_text(rows: pd.DataFrame) -> str:
    """The intervals' confidence level as the marts state it ("95 %")."""
    return f"{100 * rows['confidence_level'].iloc[0]:.0f} %"


def score_columns(level: str) -> dict:
    """The figures every scorecard table shows, with their interval beside them."""
    number = st.column_config.NumberColumn
    text = st.column_config.TextColumn
    return {
        "evaluations_count": number("Evaluations", format="%d"),
        "mean_score": number("Mean score", format="%.1f"),
        "score_interval": text(f"Score, {level}"),
        "critical_fail_rate": number("Critical fails", format="percent"),
        "critical_interval": text(f"Critical fails, {level} (%)"),
        "mean_score_change": number("Change", format="%+.1f", help="Mean score against the period before"),
        "change_interval": text(f"Change, {level}"),
    }  # fmt: skip


def scorecard_link(agent_id: str, grain: str, source: str) -> str:
    return "scorecards?" + urlencode({"agent_id": agent_id, "grain": grain, "source": source})


def show_overview(grain: str, source: str) -> None:
    periods = queries.scorecard_periods(grain, source)
    if periods.empty:
        st.info("No evaluation of this source has been scored yet: nothing to show.")
        st.stop()
    keys = [f"{start:%Y-%m-%d}" for start in periods["period_start"]]
    arriving = {key for key, complete in zip(keys, periods["is_period_complete"], strict=True)
                if not complete}  # fmt: skip
    complete = [key for key in keys if key not in arriving]
    period = url_select(
        "Period", keys, "period",
        lambda key: period_label(grain, dt.date.fromisoformat(key))
        + (" (evaluations still arriving)" if key in arriving else ""),
        default=complete[0] if complete else None,
    )  # fmt: skip
    if period is None:
        st.stop()
    start = dt.date.fromisoformat(period)
    teams = queries.team_scorecards(grain, source, start)
    team_names = dict(zip(teams["team_id"], teams["team_name"], strict=True))
    team = url_select(
        "Team", [ALL_TEAMS, *team_names], "team",
        lambda key: "All teams" if key == ALL_TEAMS else charts.team_label(key, team_names[key]),
    )  # fmt: skip
    if team is None:
        st.stop()
    if teams.empty:
        st.info("No evaluation of this source in this period.")
        return
    level = level_text(teams)
    columns = score_columns(level)
    st.caption(
        charts.plain(
            f"{period_label(grain, start)}, scored by {SOURCES[source].split(' (')[0].lower()}."
            f" Each dot is a mean score, its line the {level} interval: two scores whose lines"
            " overlap a lot may not differ at all."
            + (" Evaluations of this period are still arriving: its figures will still change."
               if period in arriving else "")
        )
    )  # fmt: skip

    st.subheader("Teams")
    labelled = teams.assign(team=[charts.team_label(t, n) for t, n in
                                  zip(teams["team_id"], teams["team_name"], strict=True)])  # fmt: skip
    st.altair_chart(
        charts.interval_bars(
            labelled, "team", "mean_score", "mean_score_lower", "mean_score_upper",
            SCORE_TITLE, reference=labelled["centre_median_score"].iloc[0],
            reference_title="Median of the teams", colour="centre_median_comparison",
            colour_title="Against the median of the teams",
            colours=charts.comparison_colours(labelled["centre_median_comparison"]),
        ),
        width="stretch",
    )  # fmt: skip
    st.dataframe(
        with_interval_texts(labelled),
        hide_index=True,
        width="stretch",
        column_order=[
            "team",
            *list(columns)[:3],
            "centre_median_comparison",
            *list(columns)[3:],
            "rank_in_centre",
            "agents_count",
        ],  # fmt: skip
        column_config={
            "team": "Team",
            "agents_count": st.column_config.NumberColumn("Agents", format="%d"),
            **columns,
            "rank_in_centre": st.column_config.NumberColumn("Rank", format="%d"),
            "centre_median_comparison": "Against the median",
        },
    )

    st.download_button(
        "Download team scorecards (CSV)", charts.csv_bytes(teams), "team_scorecards.csv", "text/csv"
    )

    st.subheader("Agents")
    team_id = None if team == ALL_TEAMS else team
    agents = queries.agent_scorecards(grain, source, start, team_id)
    if agents.empty:
        st.info("No agent has an evaluation of this source in this period.")
    else:
        show_agents(agents, grain, source, team_id is not None, columns)
    show_coverage(grain, start, team_id)


def show_agents(
    agents: pd.DataFrame, grain: str, source: str, one_team: bool, columns: dict
) -> None:
    agents = agents.assign(
        agent=[f"{name} ({agent})" for agent, name in
               zip(agents["agent_id"], agents["agent_name"], strict=True)],
        link=[scorecard_link(agent, grain, source) for agent in agents["agent_id"]],
    )  # fmt: skip
    st.altair_chart(
        charts.interval_bars(
            agents, "agent", "mean_score", "mean_score_lower", "mean_score_upper", SCORE_TITLE,
            reference=agents["team_median_score"].iloc[0] if one_team else None,
            reference_title="Team median", colour="team_median_comparison",
            colour_title="Against the team median",
            colours=charts.comparison_colours(agents["team_median_comparison"]),
        ),
        width="stretch",
    )  # fmt: skip
    st.dataframe(
        with_interval_texts(agents),
        hide_index=True,
        width="stretch",
        column_order=[
            "link",
            "agent_name",
            *list(columns)[:3],
            "team_median_comparison",
            *list(columns)[3:],
            "rank_in_team",
            "team_name",
        ],  # fmt: skip
        column_config={
            "link": st.column_config.LinkColumn("Agent", display_text=r"agent_id=([^&]*)"),
            "agent_name": "Name",
            "team_name": "Team",
            **columns,
            "rank_in_team": st.column_config.NumberColumn("Rank in team", format="%d"),
            "team_median_comparison": "Against the team median",
        },
    )
    st.download_button(
        "Download agent scorecards (CSV)",
        charts.csv_bytes(agents.drop(columns=["agent", "link"])),
        "agent_scorecards.csv",
        "text/csv",
    )


def show_coverage(grain: str, start: dt.date, team_id: str | None) -> None:
    """How much of each agent's work is scored, and the plan for the week after."""
    st.subheader("Coverage and next week's plan")
    if grain != "week":
        st.info("Coverage and the sampling plan are weekly: pick Week as the period length.")
        return
    coverage = queries.evaluation_coverage(start, team_id)
    if coverage.empty:
        st.info("No handled contact in this week.")
        return
    half_width = coverage["plan_half_width"].dropna()
    capped = int(coverage["is_plan_capped"].fillna(False).sum())
    st.write(
        charts.plain(
            "Share of each agent's handled contacts evaluated by people and scored by the"
            " machine, and the people's evaluations the next week needs for the mean score"
            + (f" to be known within ±{half_width.iloc[0]:.0f} points" if len(half_width) else "")
            + " (from the agent's own spread of scores, pooled with the team's while the agent"
            " has few)."
            + (f" {capped} agents would need more evaluations than contacts: evaluate all"
               " their contacts, and their interval stays wider." if capped else "")
        )
    )  # fmt: skip
    st.dataframe(
        coverage.assign(agent=coverage["agent_name"] + " (" + coverage["agent_id"] + ")"),
        hide_index=True,
        width="stretch",
        column_order=["agent", "interactions_count", "human_evaluated_count",
                      "human_evaluated_share", "machine_scored_share",
                      "human_evaluations_needed_next_week", "plan_expected_half_width",
                      "plan_sd", "plan_sd_source", "team_name"],
        column_config={
            "agent": "Agent",
            "team_name": "Team",
            "interactions_count": st.column_config.NumberColumn("Contacts", format="%d"),
            "human_evaluated_count": st.column_config.NumberColumn("By people", format="%d"),
            "human_evaluated_share": st.column_config.NumberColumn(
                "Share by people", format="percent"),
            "machine_scored_share": st.column_config.NumberColumn(
                "Share by machine", format="percent"),
            "plan_sd": st.column_config.NumberColumn("Score spread (sd)", format="%.1f"),
            "plan_sd_source": "Spread from",
            "human_evaluations_needed_next_week": st.column_config.NumberColumn(
                "Evaluations next week", format="%d"),
            "plan_expected_half_width": st.column_config.NumberColumn(
                "Expected ± (points)", format="%.1f"),
        },
    )  # fmt: skip
    st.download_button(
        "Download coverage and plan (CSV)",
        charts.csv_bytes(coverage),
        "evaluation_coverage.csv",
        "text/csv",
    )


def show_agent(agent_id: str, grain: str, source: str) -> None:
    history = queries.agent_scorecard_history(agent_id, grain)
    if history.empty:
        st.warning(charts.plain(f"The warehouse has no scorecard for agent “{agent_id}”."))
        return
    latest = history.iloc[-1]
    st.subheader(charts.plain(f"{latest['agent_name']} ({agent_id})"))
    st.caption(charts.plain(f"Team {charts.team_label(latest['team_id'], latest['team_name'])}"))
    level = level_text(history)
    st.markdown(f"**Mean score per {grain}, people and machine, with {level} intervals**")
    st.altair_chart(
        charts.interval_trend(
            history, "period_start", "mean_score", "mean_score_lower", "mean_score_upper",
            SCORE_TITLE, "source", "Scored by",
            period_format="%b %Y" if grain == "month" else "%d %b",
            colours=charts.SOURCE_COLOURS,
        ),
        width="stretch",
    )  # fmt: skip
    own = history[history["source"] == source]
    if own.empty:
        st.info(f"No {source} evaluation of this agent yet.")
        return
    periods = [start.date().isoformat() for start in own["period_start"][::-1]]
    period = url_select(
        "Period", periods, "period", lambda key: period_label(grain, dt.date.fromisoformat(key))
    )
    if period is None:
        st.stop()
    start = dt.date.fromisoformat(period)
    card = own[own["period_start"].dt.date == start].iloc[0]
    columns = st.columns(4)
    columns[0].metric("Evaluations", f"{card['evaluations_count']:.0f}")
    columns[1].metric(
        "Mean score", charts.format_value("score", card["mean_score"]),
        help=f"{level} interval {charts.interval_text(card['mean_score_lower'], card['mean_score_upper'])}",
    )  # fmt: skip
    columns[2].metric(
        "Critical fails", charts.format_value("percent", card["critical_fail_rate"]),
    )  # fmt: skip
    columns[3].metric(
        f"Rank in team (of {card['team_agents_count']:.0f})", f"{card['rank_in_team']:.0f}"
    )
    st.write(
        charts.plain(
            f"{period_label(grain, start)}: mean {card['mean_score']:.1f}"
            f" ({level} interval {charts.interval_text(card['mean_score_lower'], card['mean_score_upper'])}),"
            f" {card['team_median_comparison']}"
            f" (team median {card['team_median_score']:.1f})."
        )
    )
    if card["queue_evaluations_count"] > 0:
        weighted = charts.interval_text(
            card["queue_weighted_mean_score_lower"], card["queue_weighted_mean_score_upper"]
        )
        st.write(
            f"Of these, {card['queue_evaluations_count']:.0f} evaluated contacts from the"
            " evaluation queue, weighted by their sampling weights (the queue oversamples"
            f" contacts the machine flagged): {card['queue_weighted_mean_score']:.1f}"
            f" ({level} interval {weighted})."
        )
    st.markdown(f"**Question pass rates: {period_label(grain, start)}**")
    questions = queries.question_pass_rates("agent", agent_id, grain, source, start)
    if questions.empty:
        st.info("No answered question in this period.")
    else:
        st.altair_chart(
            charts.interval_bars(
                questions, "question_text", "pass_rate", "pass_rate_lower", "pass_rate_upper",
                f"Pass rate ({level} interval)", value_format=".0%", domain=(0, 1),
            ),
            width="stretch",
        )  # fmt: skip
    st.markdown(f"**Latest evaluations by {'people' if source == 'human' else 'the machine'}**")
    evaluations = queries.latest_evaluations(agent_id, EVALUATION_TYPES[source])
    st.dataframe(
        evaluations.assign(
            by=evaluations["evaluation_type"].map({"standard": "people", "auto": "machine"}),
            link=evaluations["interaction_id"].map(contact_link),
        ),
        hide_index=True,
        width="stretch",
        column_order=[
            "attributed_at",
            "link",
            "by",
            "evaluator_id",
            "channel",
            "score",
            "is_critical_fail",
            "failed_questions_count",
            "revisions_count",
        ],  # fmt: skip
        column_config={
            "attributed_at": st.column_config.DatetimeColumn("Contact (UTC)", format="D MMM HH:mm"),
            "link": st.column_config.LinkColumn("Contact", display_text=r"interaction_id=(.*)$"),
            "by": "By",
            "evaluator_id": "Evaluator",
            "channel": "Channel",
            "score": st.column_config.NumberColumn("Score", format="%.1f"),
            "is_critical_fail": "Critical fail",
            "failed_questions_count": st.column_config.NumberColumn(
                "Failed questions", format="%d"
            ),
            "revisions_count": st.column_config.NumberColumn("Revisions", format="%d"),
        },
    )


st.title("Scorecards")
try:
    grain = url_select("Period length", list(GRAINS), "grain", GRAINS.get)
    source = url_select("Scored by", list(SOURCES), "source", SOURCES.get)
    if grain is None or source is None:
        st.stop()
    wanted = st.query_params.get("agent_id")
    if wanted:
        st.markdown("[← All scorecards](scorecards)")
        show_agent(wanted, grain, source)
    else:
        show_overview(grain, source)
except queries.WarehouseMissing as missing:
    st.error(f"No published warehouse at `{missing}` yet. Build it with `qm run`.")
    st.stop()

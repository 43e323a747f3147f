"""The Scorecards page against the real published test warehouse, through AppTest: the
period, source and team live in the URL; figures and intervals are the marts'; one agent
by URL shows its trend, question pass rates and latest evaluations."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.integration.pages import fetch
from tests.integration.pages import page as open_view

pytestmark = pytest.mark.slow


def view(monkeypatch, warehouse, **query):
    return open_view(monkeypatch, warehouse, "scorecards.py", **query)


def busiest_team_week(warehouse):
    """The week and team with the most people's evaluations (several agents to rank)."""
    return fetch(
        warehouse,
        "select period_start, team_id from marts.mart_team_scorecard"
        " where period_grain = 'week' and source = 'human'"
        " order by evaluations_count desc, period_start limit 1",
    ).iloc[0]


def test_team_and_agent_scorecards_of_the_period_in_the_url(monkeypatch, published_warehouse):
    busiest = busiest_team_week(published_warehouse)
    week = f"{busiest['period_start']:%Y-%m-%d}"
    teams = fetch(
        published_warehouse,
        "select team_id, mean_score, mean_score_lower, mean_score_upper from"
        " marts.mart_team_scorecard where period_grain = 'week' and source = 'human'"
        " and period_start = ?",
        week,
    )
    agents = fetch(
        published_warehouse,
        "select agent_id, mean_score, team_median_comparison from marts.mart_agent_scorecard"
        " where period_grain = 'week' and source = 'human' and period_start = ? and team_id = ?",
        week, busiest["team_id"],
    )  # fmt: skip
    app = view(
        monkeypatch, published_warehouse, grain="week", source="human", period=week,
        team=busiest["team_id"],
    )  # fmt: skip
    assert not app.exception
    shown_teams, shown_agents, coverage = (frame.value for frame in app.dataframe)
    assert sorted(shown_teams["team_id"]) == sorted(teams["team_id"])
    lower, upper = teams.set_index("team_id").loc[busiest["team_id"], ["mean_score_lower",
                                                                       "mean_score_upper"]]  # fmt: skip
    row = shown_teams.set_index("team_id").loc[busiest["team_id"]]
    assert row["score_interval"] == f"{lower:.1f} – {upper:.1f}"
    assert len(agents) >= 2
    assert sorted(shown_agents["agent_id"]) == sorted(agents["agent_id"])
    assert list(shown_agents["mean_score"]) == sorted(shown_agents["mean_score"], reverse=True)
    assert set(shown_agents["team_median_comparison"]) == set(agents["team_median_comparison"])
    assert (
        shown_agents["link"]
        == "scorecards?agent_id=" + shown_agents["agent_id"] + "&grain=week&source=human"
    ).all()
    planned = fetch(
        published_warehouse,
        "select coverage.agent_id, coverage.human_evaluations_needed_next_week"
        " from marts.mart_evaluation_coverage as coverage inner join marts.dim_agents as agents"
        " on coverage.agent_id = agents.agent_id and agents.is_current"
        " where coverage.week_start = ? and agents.team_id = ?",
        week, busiest["team_id"],
    ).set_index("agent_id")["human_evaluations_needed_next_week"]  # fmt: skip
    shown_plan = coverage.set_index("agent_id")["human_evaluations_needed_next_week"]
    assert len(planned) > 0
    assert shown_plan.sort_index().to_dict() == planned.sort_index().to_dict()
    assert dict(app.query_params) == {"grain": "week", "source": "human", "period": week,
                                      "team": busiest["team_id"]}  # fmt: skip


def test_an_agent_by_url_shows_its_question_pass_rates_and_latest_evaluations(
    monkeypatch, published_warehouse
):
    agent = fetch(
        published_warehouse,
        "select agent_id, period_start, evaluations_count from marts.mart_agent_scorecard"
        " where period_grain = 'month' and source = 'human'"
        " order by evaluations_count desc, agent_id limit 1",
    ).iloc[0]
    month = f"{agent['period_start']:%Y-%m-%d}"
    latest = fetch(
        published_warehouse,
        "select evaluation_id from marts.fct_evaluations where agent_id = ?"
        " and evaluation_type = 'standard' order by attributed_at desc, evaluation_id limit 15",
        agent["agent_id"],
    )
    app = view(
        monkeypatch, published_warehouse, agent_id=agent["agent_id"], grain="month",
        source="human", period=month,
    )  # fmt: skip
    assert not app.exception
    assert [metric.value for metric in app.metric][0] == f"{agent['evaluations_count']:.0f}"
    [evaluations] = [frame.value for frame in app.dataframe]
    assert list(evaluations["evaluation_id"]) == list(latest["evaluation_id"])
    assert (evaluations["by"] == "people").all()
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2  # the trend and the question pass rates


def test_the_period_shown_first_is_the_latest_whose_evaluations_have_all_landed(
    monkeypatch, published_warehouse
):
    periods = fetch(
        published_warehouse,
        "select distinct period_start, period_end from marts.mart_team_scorecard"
        " where period_grain = 'week' and source = 'human' order by period_start desc",
    )
    [last_day] = fetch(
        published_warehouse, "select max(interaction_date) as day from marts.fct_interactions"
    )["day"]
    # people's evaluations land up to 5 days after the contact (qa_score's complete_after_days)
    landed = periods[periods["period_end"] + pd.Timedelta(days=5) <= last_day]
    assert len(landed) < len(periods)  # the sample ends inside a week still being evaluated
    app = view(monkeypatch, published_warehouse, grain="week", source="human")
    assert not app.exception
    assert app.query_params["period"] == f"{landed['period_start'].iloc[0]:%Y-%m-%d}"
    latest = f"{periods['period_start'].iloc[0]:%Y-%m-%d}"
    app = view(monkeypatch, published_warehouse, grain="week", source="human", period=latest)
    assert "still arriving" in app.caption[0].value


def test_an_agents_queue_weighted_mean_is_said_beside_the_plain_one(
    monkeypatch, published_warehouse
):
    card = fetch(
        published_warehouse,
        "select agent_id, period_start, queue_evaluations_count, queue_weighted_mean_score"
        " from marts.mart_agent_scorecard where period_grain = 'week' and source = 'human'"
        " and queue_evaluations_count > 0 order by queue_evaluations_count desc, agent_id limit 1",
    ).iloc[0]
    app = view(
        monkeypatch, published_warehouse, agent_id=card["agent_id"], grain="week",
        source="human", period=f"{card['period_start']:%Y-%m-%d}",
    )  # fmt: skip
    assert not app.exception
    said = " ".join(block.value for block in app.markdown)
    assert f"Of these, {card['queue_evaluations_count']:.0f} evaluated contacts" in said
    assert f"contacts the machine flagged): {card['queue_weighted_mean_score']:.1f}" in said


def test_an_unknown_agent_is_named(monkeypatch, published_warehouse):
    app = view(monkeypatch, published_warehouse, agent_id="NOBODY")
    assert not app.exception
    assert "NOBODY" in app.warning[0].value

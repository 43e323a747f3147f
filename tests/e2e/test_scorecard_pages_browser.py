"""The Scorecards and Calibration pages in a real browser: the figures of the marts, in
words, with nothing raised."""

from __future__ import annotations

import duckdb
import pytest

from tests.e2e.test_spc_pages_browser import open_page

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def fetch_one(warehouse, sql: str) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).df().to_dict("records")[0]


def test_an_agents_scorecard_says_its_interval_and_the_team_median(
    dashboard_url, published_warehouse
):
    card = fetch_one(
        published_warehouse,
        "select agent_id, agent_name, period_start, mean_score, mean_score_lower,"
        " mean_score_upper, team_median_comparison, team_median_score"
        " from marts.mart_agent_scorecard where period_grain = 'week' and source = 'human'"
        " and evaluations_count >= 3 order by evaluations_count desc, agent_id limit 1",
    )
    week = f"{card['period_start']:%Y-%m-%d}"
    body, exceptions = open_page(
        f"{dashboard_url}/scorecards?agent_id={card['agent_id']}&grain=week&source=human"
        f"&period={week}",
        "scorecards_agent.png",
        ".vega-embed",
    )
    assert exceptions == 0
    assert f"{card['agent_name']} ({card['agent_id']})" in body
    assert (
        f"mean {card['mean_score']:.1f} (95 % interval {card['mean_score_lower']:.1f} –"
        f" {card['mean_score_upper']:.1f}), {card['team_median_comparison']}"
        f" (team median {card['team_median_score']:.1f})"
    ) in body
    assert "Latest evaluations by people" in body


def test_the_scorecards_list_shows_teams_agents_and_the_plan(dashboard_url, published_warehouse):
    body, exceptions = open_page(
        f"{dashboard_url}/scorecards?grain=week&source=human",
        "scorecards.png",
        ".vega-embed",
    )
    assert exceptions == 0
    assert "Teams" in body and "Agents" in body and "Coverage and next week's plan" in body


def test_calibration_names_the_evaluators_the_mart_flags(dashboard_url, published_warehouse):
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        flagged = connection.execute(
            "select evaluator_id, direction from marts.mart_calibration_evaluators"
            " where is_significant order by mean_deviation desc"
        ).fetchall()
    body, exceptions = open_page(f"{dashboard_url}/calibration", "calibration.png", ".vega-embed")
    assert exceptions == 0
    assert flagged
    said = ", ".join(f"{evaluator} ({direction})" for evaluator, direction in flagged)
    assert f"Flagged: {said}." in body

"""The Coaching and Customer pages, and the Quality overview's actions and targets, in a real
browser: the marts' sentences and figures in words, with nothing raised."""

from __future__ import annotations

import duckdb
import pytest

from tests.e2e.test_spc_pages_browser import open_page

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def fetch_one(warehouse, sql: str, *params) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, list(params)).df().to_dict("records")[0]


def test_the_coaching_page_of_a_team_shows_its_first_opportunity_with_evidence(
    dashboard_url, published_warehouse
):
    top = fetch_one(
        published_warehouse,
        "select team_id, agent_id, agent_name, source, behaviour_id, sentence"
        " from marts.mart_coaching_opportunities where priority_rank is not null"
        " order by priority_rank, team_id limit 1",
    )
    evidence = fetch_one(
        published_warehouse,
        "select interaction_id from marts.mart_coaching_evidence where agent_id = ?"
        " and source = ? and behaviour_id = ? order by evidence_rank limit 1",
        top["agent_id"], top["source"], top["behaviour_id"],
    )  # fmt: skip
    body, exceptions = open_page(
        f"{dashboard_url}/coaching?team={top['team_id']}", "coaching.png", ".vega-embed"
    )
    assert exceptions == 0
    assert top["sentence"] in body
    assert evidence["interaction_id"] in body
    assert "Did coaching work?" in body and "Feedback latency per supervisor" in body


def test_the_customer_page_names_the_strongest_driver_and_the_self_service_candidates(
    dashboard_url, published_warehouse
):
    driver = fetch_one(
        published_warehouse,
        "select driver_label, sentence from marts.mart_csat_drivers"
        " where outcome = 'csat' and source = 'machine' and driver_rank = 1",
    )
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        candidates = [
            reason
            for (reason,) in connection.execute(
                "select contact_reason from marts.mart_deflection_opportunities"
                " where is_candidate order by deflection_rank"
            ).fetchall()
        ]
    body, exceptions = open_page(
        f"{dashboard_url}/customer?outcome=csat&drivers=machine", "customer.png", ".vega-embed"
    )
    assert exceptions == 0
    assert driver["driver_label"] in body
    if candidates:
        assert "Candidates: " + candidates[0] in body
    assert "Sites and vendors" in body
    assert "on its control chart" in body


def test_the_overview_shows_the_top_action_and_the_targets(dashboard_url, published_warehouse):
    action = fetch_one(
        published_warehouse,
        "select headline from marts.mart_recommended_actions order by action_rank limit 1",
    )
    body, exceptions = open_page(
        f"{dashboard_url}/?targets=week", "quality_overview_actions.png", ".vega-embed"
    )
    assert exceptions == 0
    assert action["headline"] in body
    assert "Targets: plan against actual" in body

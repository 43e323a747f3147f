"""Recommended actions (mart_recommended_actions) on the generated sample: every item of the
attention list, every target missed in the last complete week, every proposed coaching
opportunity and every CSAT driver outside noise becomes an action; the recording-disclosure
lapse of the ground truth becomes an action naming its team and the question; links open
pages the app has, on a chart, team or contact the warehouse has."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
KIND_ORDER = ["attention", "missed_target", "coaching", "driver"]


def app_pages() -> set[str]:
    """The URL paths of the app's pages: url_path=, else the view file's name."""
    source = APP.read_text()
    pages = set()
    for block in re.findall(r"st\.Page\((.*?)\)", source, flags=re.S):
        explicit = re.search(r'url_path="([^"]+)"', block)
        file = re.search(r'"(\w+)\.py"', block)
        pages.add(explicit.group(1) if explicit else file.group(1))
        if "default=True" in block:
            pages.add("")
    return pages


@pytest.fixture(scope="module")
def actions(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from marts.mart_recommended_actions").df()


def test_every_attention_item_not_folded_is_an_action_process_level_first(warehouse, actions):
    items = warehouse.execute(
        "select series_id, level, rank from marts.mart_spc_attention where rank is not null"
    ).df()
    assert (items["level"] == "process").any(), "the sample has process-level items"
    listed = actions[actions["action_kind"] == "attention"].set_index("source_id")
    assert set(items["series_id"]) == set(listed.index)
    ranks = listed.loc[items["series_id"], "action_rank"].to_numpy()
    order = items.assign(action_rank=ranks).sort_values("action_rank")
    assert list(order["level"]) == sorted(order["level"], key=["process", "agent"].index)
    for _, level in order.groupby("level"):
        assert level["rank"].is_monotonic_increasing


def test_every_target_missed_in_the_last_complete_week_is_an_action(warehouse, actions):
    weeks = warehouse.execute(
        """select metric, segment, period_start, status from marts.mart_quality_objectives
           where grain = 'week' and is_period_complete"""
    ).df()
    last = weeks[weeks["period_start"] == weeks.groupby(["metric", "segment"])[
        "period_start"].transform("max")]  # fmt: skip
    missed = last[last["status"] == "missed"]
    assert len(missed), "the sample misses some target"
    expected = {
        f"{row.metric}|{row.segment}|week|{pd.Timestamp(row.period_start):%Y-%m-%d}"
        for row in missed.itertuples()
    }
    listed = actions.loc[actions["action_kind"] == "missed_target", "source_id"]
    assert set(listed) == expected


def test_coaching_opportunities_of_a_team_and_behaviour_are_one_action_naming_its_agents(
    warehouse, actions
):
    proposed = warehouse.execute(
        """select team_id, behaviour_id, agent_name from marts.mart_coaching_opportunities
           where priority_rank is not null"""
    ).df()
    assert len(proposed), "the sample proposes coaching"
    coaching = actions[actions["action_kind"] == "coaching"].set_index("source_id")
    groups = proposed.groupby(["team_id", "behaviour_id"])
    assert set(coaching.index) == {f"{team}|{behaviour}" for team, behaviour in groups.groups}
    for (team, behaviour), agents in groups:
        action = coaching.loc[f"{team}|{behaviour}"]
        assert action["team_id"] == team and action["behaviour_id"] == behaviour
        for name in agents["agent_name"].unique():
            assert name in action["detail"], (name, action["detail"])
        assert f"({team})" in action["headline"]
        link = urlsplit(action["link"])
        assert parse_qs(link.query) == {"team": [team]}


def test_every_csat_driver_outside_noise_is_an_action(warehouse, actions):
    drivers = warehouse.execute(
        """select driver_id from marts.mart_csat_drivers
           where outcome = 'csat' and not is_within_noise and adjusted_effect is not null"""
    ).df()
    listed = actions[actions["action_kind"] == "driver"]
    assert set(listed["behaviour_id"]) == set(drivers["driver_id"])
    assert listed["behaviour_id"].is_unique


def test_kinds_come_in_order_and_each_kind_by_its_impact(actions):
    ranked = actions.sort_values("action_rank")
    assert list(ranked["action_rank"]) == list(range(1, len(ranked) + 1))
    assert list(ranked["action_kind"]) == sorted(ranked["action_kind"], key=KIND_ORDER.index)
    for kind in ("coaching", "driver"):
        impacts = ranked.loc[ranked["action_kind"] == kind, "impact"]
        assert impacts.is_monotonic_decreasing, kind


def test_missed_targets_are_ranked_by_shortfall_relative_to_the_target(warehouse, actions):
    objectives = warehouse.execute(
        """select metric || '|' || segment || '|week|' || strftime(period_start, '%Y-%m-%d')
                  as source_id, actual, target
           from marts.mart_quality_objectives where grain = 'week'"""
    ).df()
    missed = actions[actions["action_kind"] == "missed_target"].merge(objectives, on="source_id")
    relative = (missed.sort_values("action_rank")["actual"] - missed["target"]).abs() / missed[
        "target"
    ].abs()
    assert relative.loc[missed.sort_values("action_rank").index].is_monotonic_decreasing


def test_disclosure_lapse_is_an_action_naming_its_team_and_the_recording_disclosure(
    warehouse, actions, recording_lapse
):
    team = recording_lapse["team_id"]
    question = recording_lapse["question_id"]
    text = warehouse.execute(
        "select any_value(question_text) from marts.dim_questions where question_id = ?",
        [question],
    ).fetchone()[0]
    matching = actions[
        (actions["team_id"] == team)
        & (actions["behaviour_id"] == question)
        & actions["headline"].str.contains(f"({team})", regex=False)
        & actions["headline"].str.contains(text, regex=False)
    ]
    assert len(matching), actions[["action_kind", "headline"]].to_string()
    # among the first actions of the list: the lapse is the sample's main special cause
    assert matching["action_rank"].min() <= 10


def test_links_open_existing_pages_on_things_the_warehouse_has(warehouse, actions):
    pages = app_pages()
    assert {"control-chart", "coaching", "customer"} <= pages
    series = warehouse.execute(
        "select metric, coalesce(metric_detail, '') as detail, grain, segment_kind, segment_value"
        " from marts.mart_spc_series"
    ).df()
    charts = set(series.itertuples(index=False, name=None))
    teams = set(warehouse.execute("select team_id from marts.dim_agents").df()["team_id"])
    for row in actions.to_dict("records"):
        link = urlsplit(row["link"])
        query = {key: values[0] for key, values in parse_qs(link.query).items()}
        assert not link.scheme and not link.netloc, row["link"]
        assert link.path in pages, row["link"]
        if link.path == "control-chart":
            key = (query["metric"], query.get("detail", ""), query["grain"],
                   query["segment_kind"], query["segment_value"])  # fmt: skip
            assert key in charts, row["link"]
            assert pd.Timestamp(query["window_start"]) <= pd.Timestamp(query["window_end"])
        elif link.path == "coaching":
            assert query["team"] in teams
        else:
            assert link.path == "customer", row["link"]
            assert query["outcome"] == "csat"
            assert row["source_id"] == f"{query['drivers']}|{row['behaviour_id']}"


def test_evidence_names_contacts_that_exist(warehouse, actions):
    named = {
        interaction
        for evidence in actions["evidence"]
        for interaction in re.findall(r"\bINT\d+\b", evidence)
    }
    assert named, "some action quotes contacts"
    known = set(
        warehouse.execute("select interaction_id from marts.fct_interactions").df()[
            "interaction_id"
        ]
    )
    assert named <= known

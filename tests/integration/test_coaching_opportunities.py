"""Coaching opportunities (mart_coaching_opportunities, mart_coaching_evidence) on the
generated sample, against references computed here from the published facts: counts with
pandas, Wilson and Newcombe intervals from statsmodels, Fisher's exact test from scipy, the
Benjamini-Hochberg q-values from statsmodels' multipletests; the coaching log from the landing
file; which agents really do a behaviour less often than their team from the generator's
ground truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from orchestration.generate.coaching import COACHED_QUESTIONS as BEHAVIOUR_QUESTIONS

pytestmark = pytest.mark.slow

VARS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml").read_text()
)["vars"]
SETTINGS = VARS["coaching"]
ALPHA = 1 - VARS["scorecards"]["confidence"]
FLAGS = [flag["flag"] for flag in VARS["conversation"]["friction_flags"]]
KEY = ["agent_id", "team_id", "source", "behaviour_id"]
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def opportunities(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from marts.mart_coaching_opportunities").df()


@pytest.fixture(scope="module")
def observations(warehouse) -> pd.DataFrame:
    """Every observation in the window, re-derived from the facts."""
    window_end = warehouse.execute(
        "select max(cast(started_at as date)) from marts.fct_interactions"
    ).fetchone()[0]
    window_start = window_end - pd.Timedelta(days=SETTINGS["window_days"] - 1)
    answers = warehouse.execute(
        """select evaluation_type, is_agent_scored, question_id, agent_id, team_id,
                  attributed_at, question_score, is_na
           from marts.fct_evaluation_answers"""
    ).df()
    in_window = answers["attributed_at"].dt.date.between(window_start, window_end)
    answers = answers[in_window & ~answers["is_na"]]
    answers = answers[(answers["evaluation_type"] == "auto") | answers["is_agent_scored"]]
    answer_rows = pd.DataFrame(
        {
            "source": np.where(answers["evaluation_type"] == "auto", "machine", "human"),
            "behaviour_id": answers["question_id"],
            "agent_id": answers["agent_id"],
            "team_id": answers["team_id"],
            "is_miss": answers["question_score"] < 1,
        }
    )
    contacts = warehouse.execute(
        f"""select agent_id, team_id, started_at, {", ".join(FLAGS)}
            from marts.fct_interactions where has_transcript and not is_abandoned"""
    ).df()
    contacts = contacts[contacts["started_at"].dt.date.between(window_start, window_end)]
    flag_rows = [
        pd.DataFrame(
            {
                "source": "friction",
                "behaviour_id": flag,
                "agent_id": contacts["agent_id"],
                "team_id": contacts["team_id"],
                "is_miss": contacts[flag],
            }
        ).dropna(subset=["is_miss"])
        for flag in FLAGS
    ]
    rows = pd.concat([answer_rows, *flag_rows], ignore_index=True)
    rows = rows.dropna(subset=["agent_id", "team_id"])
    rows["is_miss"] = rows["is_miss"].astype(bool)
    return rows


@pytest.fixture(scope="module")
def expected(observations) -> pd.DataFrame:
    """Counts, intervals, the Fisher test and BH per team, computed here."""
    counts = (
        observations.groupby(KEY)["is_miss"]
        .agg(agent_units="size", agent_misses="sum")
        .reset_index()
    )
    team = counts.groupby(["team_id", "source", "behaviour_id"])
    counts["peer_units"] = team["agent_units"].transform("sum") - counts["agent_units"]
    counts["peer_misses"] = team["agent_misses"].transform("sum") - counts["agent_misses"]
    counts["is_tested"] = (counts["agent_units"] >= SETTINGS["min_observations"]) & (
        counts["peer_units"] >= 1
    )
    counts["p_value"] = [
        stats.fisher_exact(
            [[row.agent_misses, row.agent_units - row.agent_misses],
             [row.peer_misses, row.peer_units - row.peer_misses]],
            alternative="greater",
        ).pvalue
        if row.is_tested
        else np.nan
        for row in counts.itertuples()
    ]  # fmt: skip
    counts["q_value"] = np.nan
    for _, members in counts[counts["is_tested"]].groupby("team_id"):
        counts.loc[members.index, "q_value"] = multipletests(
            members["p_value"], alpha=SETTINGS["false_discovery_rate"], method="fdr_bh"
        )[1]
    return counts


def test_every_behaviour_of_every_agent_in_the_window_has_one_row(opportunities, expected):
    assert not opportunities.duplicated(KEY).any()
    assert set(map(tuple, opportunities[KEY].to_numpy())) == set(
        map(tuple, expected[KEY].to_numpy())
    )


def test_counts_and_fisher_tests_with_bh_across_the_team_equal_scipy_and_statsmodels(
    opportunities, expected
):
    merged = opportunities.merge(expected, on=KEY, suffixes=("", "_expected"))
    assert len(merged) == len(expected)
    for column in ("agent_units", "agent_misses", "peer_units", "peer_misses", "is_tested"):
        assert (merged[column] == merged[f"{column}_expected"]).all(), column
    for column in ("p_value", "q_value"):
        np.testing.assert_allclose(
            merged[column].astype(float), merged[f"{column}_expected"], atol=TOLERANCE
        )
    significant = merged["q_value_expected"] <= SETTINGS["false_discovery_rate"]
    assert (merged["is_significant"] == (merged["is_tested"] & significant)).all()
    assert merged["is_significant"].any() and not merged["is_significant"].all()


def test_miss_rates_and_gap_carry_wilson_and_newcombe_intervals(opportunities):
    rows = opportunities[opportunities["peer_units"] > 0]
    lower, upper = proportion_confint(
        rows["agent_misses"], rows["agent_units"], alpha=ALPHA, method="wilson"
    )
    np.testing.assert_allclose(rows["agent_miss_lower"], lower, atol=TOLERANCE)
    np.testing.assert_allclose(rows["agent_miss_upper"], upper, atol=TOLERANCE)
    lower, upper = proportion_confint(
        rows["peer_misses"], rows["peer_units"], alpha=ALPHA, method="wilson"
    )
    np.testing.assert_allclose(rows["peer_miss_lower"], lower, atol=TOLERANCE)
    np.testing.assert_allclose(rows["peer_miss_upper"], upper, atol=TOLERANCE)
    for row in rows.sample(200, random_state=1).itertuples():
        low, high = confint_proportions_2indep(
            row.agent_misses, row.agent_units, row.peer_misses, row.peer_units,
            method="newcomb", compare="diff", alpha=ALPHA,
        )  # fmt: skip
        assert abs(row.gap_lower - low) < TOLERANCE and abs(row.gap_upper - high) < TOLERANCE


def test_impact_is_weekly_contacts_times_gap_times_the_drivers_csat_effect(
    opportunities, warehouse
):
    drivers = warehouse.execute(
        """select source, driver_id as behaviour_id, adjusted_effect
           from marts.mart_csat_drivers where outcome = 'csat'"""
    ).df()
    window_end = opportunities["window_end"].iloc[0]
    contacts = warehouse.execute(
        """select agent_id, cast(started_at as date) as day
           from marts.fct_interactions where not is_abandoned"""
    ).df()
    start = window_end - pd.Timedelta(days=SETTINGS["window_days"] - 1)
    weekly = contacts[contacts["day"].between(start, window_end)].groupby("agent_id").size() / (
        SETTINGS["window_days"] / 7
    )
    for row in opportunities.sample(300, random_state=2).itertuples():
        source = "transcript" if row.source == "friction" else "machine"
        effect = drivers.loc[
            (drivers["source"] == source) & (drivers["behaviour_id"] == row.behaviour_id),
            "adjusted_effect",
        ]
        cost = (-1 if row.source == "friction" else 1) * (effect.iloc[0] if len(effect) else 0)
        want = weekly.get(row.agent_id, 0) * max(row.gap, 0) * max(cost, 0)
        assert abs(row.expected_csat_points_per_week - want) < 1e-9, row


def test_agents_coached_on_a_behaviour_recently_are_marked_and_not_proposed(
    opportunities, generated_landing
):
    log = pd.read_csv(generated_landing / "coaching_sessions" / "coaching_sessions_0001.csv")
    log["held_at"] = pd.to_datetime(log["held_at"], utc=True).dt.tz_localize(None)
    window_end = pd.Timestamp(opportunities["window_end"].iloc[0])
    recent = log[log["held_at"].dt.normalize() > window_end - pd.Timedelta(
        days=SETTINGS["recently_coached_days"])]  # fmt: skip
    coached = {
        (row.agent_id, question)
        for row in recent.itertuples()
        for question in row.question_ids.split(";")
    }
    assert coached
    marked = set(
        map(tuple, opportunities.loc[opportunities["is_recently_coached"],
                                     ["agent_id", "behaviour_id"]].to_numpy())
    )  # fmt: skip
    assert marked == {pair for pair in coached if pair in set(
        map(tuple, opportunities[["agent_id", "behaviour_id"]].to_numpy()))}  # fmt: skip
    assert opportunities.loc[opportunities["is_recently_coached"], "priority_rank"].isna().all()


def test_priority_ranks_significant_uncoached_rows_by_csat_impact(opportunities):
    proposed = opportunities[
        opportunities["is_significant"] & ~opportunities["is_recently_coached"]
    ]
    assert opportunities["priority_rank"].notna().sum() == len(proposed) > 0
    ordered = proposed.sort_values("priority_rank")
    assert list(ordered["priority_rank"]) == list(range(1, len(ordered) + 1))
    impact = ordered["expected_csat_points_per_week"].to_numpy()
    assert (np.diff(impact) <= 1e-12).all()


def test_significant_machine_gaps_are_agents_who_truly_do_the_behaviour_less_often(
    opportunities, truth
):
    """The generator's per-agent probabilities: an agent flagged for missing a question more
    often than the team (machine answers: every contact) truly does that behaviour less often
    than the team's average agent."""
    profiles = pd.DataFrame(truth["agent_behaviour"]).set_index("agent_id")
    flagged = opportunities[
        (opportunities["source"] == "machine")
        & opportunities["is_significant"]
        & opportunities["behaviour_id"].isin(BEHAVIOUR_QUESTIONS.values())
    ]
    assert len(flagged) >= 5
    teams = opportunities.groupby("team_id")["agent_id"].unique()
    by_question = {question: name for name, question in BEHAVIOUR_QUESTIONS.items()}
    below = [
        profiles.loc[row.agent_id, by_question[row.behaviour_id]]
        < profiles.loc[teams[row.team_id], by_question[row.behaviour_id]].mean()
        for row in flagged.itertuples()
    ]
    assert np.mean(below) >= 0.9, flagged[KEY]


def test_evidence_quotes_the_agents_own_misses_in_the_window(warehouse, opportunities):
    evidence = warehouse.execute("select * from marts.mart_coaching_evidence").df()
    assert (
        evidence.groupby(KEY)["evidence_rank"].max().max() == SETTINGS["evidence_per_opportunity"]
    )
    with_misses = opportunities[opportunities["agent_misses"] > 0]
    counted = evidence.groupby(KEY).size().rename("evidence").reset_index()
    merged = with_misses.merge(counted, on=KEY, how="left").fillna({"evidence": 0})
    want = merged["agent_misses"].clip(upper=SETTINGS["evidence_per_opportunity"])
    assert (merged["evidence"] == want).all()
    turns = warehouse.execute(
        "select interaction_id, turn_index, turn_text from marts.fct_transcript_turns"
    ).df()
    quoted = evidence.dropna(subset=["evidence_turn_index"]).merge(
        turns,
        left_on=["interaction_id", "evidence_turn_index"],
        right_on=["interaction_id", "turn_index"],
        how="left",
    )
    assert len(quoted) > 0
    assert (quoted["quote"] == quoted["turn_text"]).all()
    answers = warehouse.execute(
        """select evaluation_id, question_id as behaviour_id, question_score, answer_comment,
                  evidence_text from marts.fct_evaluation_answers"""
    ).df()
    scored = evidence[evidence["source"] != "friction"].merge(
        answers, on=["evaluation_id", "behaviour_id"], how="left"
    )
    assert (scored["question_score"] < 1).all()
    said = scored["answer_comment"].fillna(scored["evidence_text"])
    assert (scored["quote"].fillna("") == said.fillna("")).all()
    assert (evidence["link"] == "interactions?interaction_id=" + evidence["interaction_id"]).all()

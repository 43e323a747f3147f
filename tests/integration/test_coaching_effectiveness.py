"""The coaching effectiveness marts (mart_coaching_effectiveness,
mart_coaching_feedback_latency) on the generated sample: every row recomputed here in pandas
from the coaching log (stg_coaching_sessions), fct_evaluation_answers and fct_evaluations,
with the windows, the control group, the difference in differences and its adjusted Wald
interval written out by hand and the quantiles from scipy; and the generator's true coaching
effect recovered from the machine's answers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

pytestmark = pytest.mark.slow

DBT_VARS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml").read_text()
)["vars"]
COACHING = DBT_VARS["coaching"]
CONFIDENCE = DBT_VARS["scorecards"]["confidence"]
# days each source's answers take to land: the registry's qa_score (people) and
# machine_qa_score (machine); a day is complete once the contacts are that many days past it
ARRIVAL_DAYS = {
    "human": next(m for m in DBT_VARS["metrics"] if m["metric"] == "qa_score")[
        "complete_after_days"
    ],
    "machine": next(m for m in DBT_VARS["metrics"] if m["metric"] == "machine_qa_score")[
        "complete_after_days"
    ],
}
TOLERANCE = 1e-9
KEY = ["coaching_id", "question_id", "source"]
CELLS = ["agent_before", "agent_after", "control_before", "control_after"]


@pytest.fixture(scope="module")
def effectiveness(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from marts.mart_coaching_effectiveness").df()


@pytest.fixture(scope="module")
def sessions(warehouse) -> pd.DataFrame:
    """One row per session × coached question of the coaching log."""
    log = warehouse.execute(
        "select coaching_id, agent_id, coach_id, held_at, question_ids, evaluation_ids"
        " from staging.stg_coaching_sessions"
    ).df()
    return log.explode("question_ids").rename(columns={"question_ids": "question_id"})


@pytest.fixture(scope="module")
def answers(warehouse) -> pd.DataFrame:
    """Answers that count, with their source: people's standard evaluations of the agent,
    and the machine's; N/A left out."""
    frame = warehouse.execute(
        "select agent_id, question_id, attributed_at, evaluation_type, is_agent_scored,"
        " is_na, is_failed from marts.fct_evaluation_answers"
    ).df()
    human = (frame["evaluation_type"] == "standard") & frame["is_agent_scored"]
    machine = frame["evaluation_type"] == "auto"
    frame = frame[(human | machine) & ~frame["is_na"]].copy()
    frame["source"] = np.where(frame["evaluation_type"] == "auto", "machine", "human")
    frame["passed"] = ~frame["is_failed"].astype(bool)
    return frame


@pytest.fixture(scope="module")
def expected(warehouse, sessions, answers) -> pd.DataFrame:
    """The mart recomputed: windows, cells, difference in differences and interval."""
    days = warehouse.execute(
        "select min(interaction_date), max(interaction_date) from marts.fct_interactions"
    ).fetchone()
    first_day, last_day = pd.Timestamp(days[0]), pd.Timestamp(days[1])
    window = pd.Timedelta(days=COACHING["window_days"])
    settle = pd.Timedelta(days=COACHING["settle_days"])
    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    rows = []
    for session in sessions.itertuples():
        held = pd.Timestamp(session.held_at)
        # every other agent coached on this question from 2 windows before to the after end
        coached_nearby = sessions[
            (sessions["question_id"] == session.question_id)
            & (sessions["held_at"] >= held - 2 * window)
            & (sessions["held_at"] < held + settle + window)
        ]["agent_id"]
        for source in ("human", "machine"):
            # the end of the source's last complete day: last contact day − arrival days
            data_end = last_day + pd.Timedelta(days=1 - ARRIVAL_DAYS[source])
            before_start = max(held - window, first_day)
            before_end = max(min(held, data_end), before_start)
            after_start = held + settle
            after_end = max(after_start, min(held + settle + window, data_end))
            of_question = answers[
                (answers["question_id"] == session.question_id) & (answers["source"] == source)
            ]
            at = of_question["attributed_at"]
            before = of_question[(at >= before_start) & (at < before_end)]
            after = of_question[(at >= after_start) & (at < after_end)]
            is_agent = {"before": before["agent_id"] == session.agent_id}
            is_agent["after"] = after["agent_id"] == session.agent_id
            is_control = {
                name: ~frame["agent_id"].isin([session.agent_id, *coached_nearby])
                for name, frame in (("before", before), ("after", after))
            }
            cells = {
                "agent_before": before[is_agent["before"]],
                "agent_after": after[is_agent["after"]],
                "control_before": before[is_control["before"]],
                "control_after": after[is_control["after"]],
            }
            row = {
                "coaching_id": session.coaching_id,
                "question_id": session.question_id,
                "source": source,
                "agent_id": session.agent_id,
                "coach_id": session.coach_id,
                "before_start": before_start,
                "before_end": before_end,
                "after_start": after_start,
                "after_end": after_end,
                "is_after_window_complete": held + settle + window <= data_end,
                "control_agents": len(
                    set(cells["control_before"]["agent_id"])
                    | set(cells["control_after"]["agent_id"])
                ),
            }
            passes = {}
            for name, cell in cells.items():
                row[f"{name}_answers"] = len(cell)
                passes[name] = int(cell["passed"].sum())
                row[f"{name}_pass_rate"] = passes[name] / len(cell) if len(cell) else np.nan
            row["has_enough_data"] = (
                min(len(cell) for cell in cells.values()) >= COACHING["effectiveness_min_answers"]
            )
            rates = {name: row[f"{name}_pass_rate"] for name in CELLS}
            row["effect"] = (rates["agent_after"] - rates["agent_before"]) - (
                rates["control_after"] - rates["control_before"]
            )
            if min(len(cell) for cell in cells.values()) > 0:
                # adjusted Wald (Price & Bonett 2004): 0.5 successes, 1 trial added per cell
                adjusted = {n: (passes[n] + 0.5) / (len(cells[n]) + 1) for n in CELLS}
                centre = (adjusted["agent_after"] - adjusted["agent_before"]) - (
                    adjusted["control_after"] - adjusted["control_before"]
                )
                half = z * math.sqrt(
                    sum(adjusted[n] * (1 - adjusted[n]) / (len(cells[n]) + 1) for n in CELLS)
                )
                row["effect_lower"], row["effect_upper"] = centre - half, centre + half
            else:
                row["effect_lower"] = row["effect_upper"] = np.nan
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def roster_on_session_day(warehouse) -> pd.DataFrame:
    """Each session's agent's team, supervisor and site on the session day (dim_agents'
    validity intervals: valid_from <= day < valid_to)."""
    return warehouse.execute(
        "select sessions.coaching_id, agents.team_id, agents.supervisor_id, agents.site"
        " from staging.stg_coaching_sessions as sessions"
        " left join marts.dim_agents as agents on sessions.agent_id = agents.agent_id"
        " and agents.valid_from <= cast(sessions.held_at as date)"
        " and (agents.valid_to is null or cast(sessions.held_at as date) < agents.valid_to)"
    ).df()


def test_every_row_names_the_agent_team_on_the_session_day(effectiveness, roster_on_session_day):
    merged = effectiveness.merge(roster_on_session_day, on="coaching_id", suffixes=("", "_day"))
    assert len(merged) == len(effectiveness)
    for column in ("team_id", "supervisor_id", "site"):
        assert (merged[column] == merged[f"{column}_day"]).all(), column


def test_every_session_question_and_source_has_one_row(effectiveness, sessions):
    assert len(effectiveness) == 2 * len(sessions) > 0
    assert not effectiveness.duplicated(KEY).any()
    assert set(map(tuple, effectiveness[KEY[:2]].values)) == set(
        map(tuple, sessions[KEY[:2]].values)
    )


def test_windows_cells_and_difference_in_differences_match_a_hand_computation(
    effectiveness, expected
):
    merged = expected.merge(effectiveness, on=KEY, suffixes=("_expected", ""), how="left")
    assert len(merged) == len(effectiveness)
    for column in ("agent_id", "coach_id", "is_after_window_complete", "has_enough_data"):
        assert (merged[column] == merged[f"{column}_expected"]).all(), column
    for column in ("before_start", "before_end", "after_start", "after_end"):
        assert (
            pd.to_datetime(merged[column]) == pd.to_datetime(merged[f"{column}_expected"])
        ).all(), column
    counts = ["control_agents", *(f"{name}_answers" for name in CELLS)]
    for column in counts:
        assert (merged[column] == merged[f"{column}_expected"]).all(), column
    numbers = [*(f"{name}_pass_rate" for name in CELLS), "effect", "effect_lower", "effect_upper"]
    for column in numbers:
        np.testing.assert_allclose(
            merged[column].astype(float),
            merged[f"{column}_expected"].astype(float),
            atol=TOLERANCE,
            rtol=0,
            equal_nan=True,
            err_msg=column,
        )
    has_interval = merged["effect_lower"].notna()
    covers_zero = (merged["effect_lower"] <= 0) & (merged["effect_upper"] >= 0)
    assert (merged.loc[has_interval, "is_within_noise"] == covers_zero[has_interval]).all()
    assert merged.loc[~has_interval, "is_within_noise"].isna().all()
    # the sample has rows of every kind the sentence words
    assert merged["has_enough_data"].any() and (~merged["has_enough_data"]).any()
    assert (~merged["is_after_window_complete"]).any()
    open_rows = merged[~merged["is_after_window_complete"]]
    assert open_rows["sentence"].str.contains("after window still open").all()
    assert (
        not merged.loc[merged["is_after_window_complete"], "sentence"]
        .str.contains("still open")
        .any()
    )


def test_the_true_coaching_effect_lies_inside_the_machine_interval(effectiveness, truth):
    """The generator raises the coached behaviour's probability by `true_effect` from
    lag_days (5) after the session, before the after window opens (settle_days 7), and for
    good. Which sessions qualify: on the 42-day sample no after window (7 + 28 days after a
    session on day 10, 24 or 38) is complete, so the check takes every machine row with
    enough data, whatever the window's completeness: a shorter after window makes the
    interval wider, not the estimate biased, since the effect is constant once it starts.
    That leaves the sessions of days 10 and 24 (8 of them on seed 11); the day-38 sessions
    have no after answers yet. With 95 % intervals the share covering the truth should be
    near 95 %; at least 80 % of 8 means at most one miss, which a correct interval passes
    with probability 0.94 if the intervals were independent (they share the controls).
    The mean estimate must lie within 0.05 of the mean true effect: each estimate's standard
    error is 0.04-0.09 here, the mean's about 0.02, so 0.05 is some 2.5 standard errors."""
    sessions = pd.DataFrame(truth["coaching_effect"]["sessions"])
    machine = effectiveness[
        (effectiveness["source"] == "machine") & effectiveness["has_enough_data"]
    ].assign(held_on=lambda frame: pd.to_datetime(frame["held_at"]).dt.strftime("%Y-%m-%d"))
    matched = machine.merge(sessions, on=["agent_id", "question_id", "held_on"], how="inner")
    assert len(matched) == len(machine) >= 6, "too few sessions with enough data to judge"
    inside = (matched["effect_lower"] <= matched["true_effect"]) & (
        matched["true_effect"] <= matched["effect_upper"]
    )
    assert inside.mean() >= 0.8, matched[["coaching_id", "effect", "true_effect"]]
    assert abs(matched["effect"].mean() - matched["true_effect"].mean()) <= 0.05


def test_every_truth_session_is_in_the_mart(effectiveness, truth):
    """Sessions held before the export's cut-off are in the log; each truth session with
    its question appears once per source."""
    held = pd.to_datetime(effectiveness["held_at"]).dt.strftime("%Y-%m-%d")
    present = set(zip(effectiveness["agent_id"], effectiveness["question_id"], held, strict=True))
    for session in truth["coaching_effect"]["sessions"]:
        key = (session["agent_id"], session["question_id"], session["held_on"])
        if session["held_on"] < truth["export_cutoff"][:10]:
            assert key in present, key


def as_list(value) -> list:
    """A list column's value as a list (a missing list is empty)."""
    return [] if value is None or value is pd.NA or isinstance(value, float) else list(value)


@pytest.fixture(scope="module")
def latency(warehouse) -> pd.DataFrame:
    """Each session's evidence evaluation and feedback latency, recomputed: of the listed
    evaluations, the earliest first submitted (revision 1: when the gap was shown) that failed
    a coached question at its latest revision, else the earliest listed; latency from that
    first submission to the session."""
    log = warehouse.execute(
        "select coaching_id, coach_id, held_at, question_ids, evaluation_ids"
        " from staging.stg_coaching_sessions"
    ).df()
    evaluations = warehouse.execute(
        "select evaluation_id, revision from marts.fct_evaluations"
    ).df()
    revisions = warehouse.execute(
        "select evaluation_id, submitted_at from staging.stg_evaluations"
    ).df()
    first_submitted = revisions.groupby("evaluation_id")["submitted_at"].min()
    evaluations["submitted_at"] = evaluations["evaluation_id"].map(first_submitted)
    failed = warehouse.execute(
        "select evaluation_id, revision, question_id from marts.fct_evaluation_answers"
        " where is_failed"
    ).df()
    rows = []
    for session in log.itertuples():
        listed = evaluations[
            evaluations["evaluation_id"].isin(as_list(session.evaluation_ids))
        ].copy()
        listed_failed = failed[failed["question_id"].isin(as_list(session.question_ids))]
        listed["failed"] = [
            ((listed_failed["evaluation_id"] == e) & (listed_failed["revision"] == r)).any()
            for e, r in zip(listed["evaluation_id"], listed["revision"], strict=True)
        ]
        candidates = listed[listed["failed"]] if listed["failed"].any() else listed
        evidence = candidates.sort_values(["submitted_at", "evaluation_id"]).head(1)
        rows.append(
            {
                "coaching_id": session.coaching_id,
                "coach_id": session.coach_id,
                "held_at": session.held_at,
                "expected_evidence": evidence["evaluation_id"].iloc[0] if len(evidence) else None,
                "expected_latency": (
                    (session.held_at - evidence["submitted_at"].iloc[0]).total_seconds() / 86400
                    if len(evidence)
                    else np.nan
                ),
            }
        )
    return pd.DataFrame(rows)


def test_feedback_latency_is_the_time_from_the_evidence_to_the_session(effectiveness, latency):
    assert latency["expected_latency"].notna().sum() >= 3
    # the gap was shown before the session: a re-score after it does not count
    assert (latency["expected_latency"].dropna() > 0).all()
    merged = effectiveness.merge(latency, on="coaching_id")
    assert len(merged) == len(effectiveness)
    assert (
        merged["evidence_evaluation_id"].fillna("-") == merged["expected_evidence"].fillna("-")
    ).all()
    np.testing.assert_allclose(
        merged["feedback_latency_days"].astype(float),
        merged["expected_latency"].astype(float),
        atol=TOLERANCE,
        rtol=0,
        equal_nan=True,
    )


def test_latency_per_coach_and_month_matches_t_and_welch_intervals(
    warehouse, latency, roster_on_session_day
):
    mart = warehouse.execute("select * from marts.mart_coaching_feedback_latency").df()
    latency = latency.merge(roster_on_session_day, on="coaching_id").assign(
        month_start=pd.to_datetime(latency["held_at"]).dt.to_period("M").dt.start_time
    )
    monthly = {key: group for key, group in latency.groupby(["coach_id", "month_start"])}
    assert len(mart) == len(monthly)
    alpha = 1 - CONFIDENCE
    for row in mart.itertuples():
        month = pd.Timestamp(row.month_start)
        days = monthly[(row.coach_id, month)]["expected_latency"].dropna()
        assert row.sessions == len(monthly[(row.coach_id, month)])
        teams = monthly[(row.coach_id, month)]["team_id"]
        assert row.team_id == sorted(teams[teams == teams.mode().iloc[0]])[0]
        assert row.sessions_with_evidence == len(days)
        if len(days) == 0:
            assert pd.isna(row.mean_latency_days) and pd.isna(row.median_latency_days)
            continue
        assert row.mean_latency_days == pytest.approx(days.mean(), abs=TOLERANCE)
        assert row.median_latency_days == pytest.approx(days.median(), abs=TOLERANCE)
        if len(days) >= 2:
            lower, upper = stats.t.interval(
                CONFIDENCE, len(days) - 1, loc=days.mean(), scale=days.std() / math.sqrt(len(days))
            )
            assert row.mean_latency_days_lower == pytest.approx(max(lower, 0), abs=TOLERANCE)
            assert row.mean_latency_days_upper == pytest.approx(upper, abs=TOLERANCE)
        else:
            assert pd.isna(row.mean_latency_days_lower)
        previous_month = month - pd.DateOffset(months=1)
        previous = monthly.get((row.coach_id, previous_month))
        before = previous["expected_latency"].dropna() if previous is not None else pd.Series()
        if len(before):
            assert row.latency_change_days == pytest.approx(
                days.mean() - before.mean(), abs=TOLERANCE
            )
        if len(days) >= 2 and len(before) >= 2 and (days.var() > 0 or before.var() > 0):
            # Welch: t at the Welch–Satterthwaite degrees of freedom, rounded down
            v1, v2 = days.var() / len(days), before.var() / len(before)
            freedom = (v1 + v2) ** 2 / (v1**2 / (len(days) - 1) + v2**2 / (len(before) - 1))
            half = stats.t.ppf(1 - alpha / 2, math.floor(freedom + 1e-9)) * math.sqrt(v1 + v2)
            change = days.mean() - before.mean()
            assert row.latency_change_lower == pytest.approx(change - half, abs=TOLERANCE)
            assert row.latency_change_upper == pytest.approx(change + half, abs=TOLERANCE)
            word = "shorter" if change + half < 0 else "longer" if change - half > 0 else None
            assert row.latency_trend == (word or "within noise")
        else:
            assert pd.isna(row.latency_change_lower)
            assert row.latency_trend == "not enough data"

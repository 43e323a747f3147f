"""Coaching sessions of a known effect: planned before the contacts, so that a coached
behaviour really improves, and exported with the evaluations that showed the gap.

Every fortnight each supervisor coaches two agents of the team, each on the behaviour that
agent does least often and has not been coached on yet. From `COACHING_LAG_DAYS` after the
session the agent does that behaviour with a probability `COACHING_EFFECT` higher (at most
`COACHING_CAP`) and keeps it: the ground truth records each session's true effect.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from orchestration.generate.roster import Roster

COACHING_EFFECT = 0.15  # added to the coached behaviour's probability
COACHING_CAP = 0.99
COACHING_LAG_DAYS = 5  # days from the session until the behaviour changes
COACHING_EVERY_DAYS = 14
COACHING_FIRST_DAY = 10
COACHING_HOUR = 14
# behaviour of the contacts → the question of the scorecard that checks it
COACHED_QUESTIONS = {
    "greeting": "greeting",
    "disclosure": "recording_disclosure",
    "identity": "identity_check",
    "hold_permission": "hold_permission",
    "resolution_check": "resolution_check",
    "closing": "closing",
}


def plan_coaching(
    rng: np.random.Generator, roster: Roster, profiles: pd.DataFrame, days: int
) -> pd.DataFrame:
    """One row per session: agent_index, team_index, behaviour, question_id, day."""
    coached: dict[int, set[str]] = {}
    rows = []
    for day in range(COACHING_FIRST_DAY, days, COACHING_EVERY_DAYS):
        for team in range(len(roster.team_ids)):
            members = np.flatnonzero(roster.agent_team == team)
            for agent in rng.choice(members, size=min(2, len(members)), replace=False):
                done = coached.setdefault(int(agent), set())
                open_behaviours = [name for name in COACHED_QUESTIONS if name not in done]
                if not open_behaviours:
                    continue
                weakest = min(open_behaviours, key=lambda name: profiles[name].iloc[agent])
                done.add(weakest)
                rows.append(
                    {
                        "agent_index": int(agent),
                        "team_index": team,
                        "behaviour": weakest,
                        "question_id": COACHED_QUESTIONS[weakest],
                        "day": day,
                    }
                )
    return pd.DataFrame(
        rows, columns=["agent_index", "team_index", "behaviour", "question_id", "day"]
    )


def _rise(probability: np.ndarray) -> np.ndarray:
    """The effect of a session on an agent with this probability: COACHING_EFFECT, short of
    the cap."""
    return np.minimum(probability + COACHING_EFFECT, COACHING_CAP) - np.minimum(
        probability, COACHING_CAP
    )


def coaching_boost(
    plan: pd.DataFrame,
    behaviour: str,
    agent_index: np.ndarray,
    day_index: np.ndarray,
    probability: np.ndarray,
) -> np.ndarray:
    """Per contact: how much the agent's probability of `behaviour` (`probability`, per
    contact) has risen by coaching (0 before a session on it has taken effect)."""
    boost = np.zeros(len(agent_index))
    sessions = plan[plan["behaviour"] == behaviour]
    # Each agent's contacts, found once: a year holds thousands of sessions.
    by_agent = np.argsort(agent_index, kind="stable")
    sorted_agents = agent_index[by_agent]
    agents = sessions["agent_index"].to_numpy()
    firsts = np.searchsorted(sorted_agents, agents, side="left")
    lasts = np.searchsorted(sorted_agents, agents, side="right")
    for day, first, last in zip(sessions["day"], firsts, lasts, strict=True):
        mine = by_agent[first:last]
        after = mine[day_index[mine] >= day + COACHING_LAG_DAYS]
        boost[after] = _rise(probability[after])
    return boost


def true_effect(plan: pd.DataFrame, profiles: pd.DataFrame) -> np.ndarray:
    """Each session's rise of the coached behaviour's probability."""
    return _rise(
        np.array([profiles[row.behaviour].iloc[row.agent_index] for row in plan.itertuples()])
    )


def coaching_sessions(
    rng: np.random.Generator,
    plan: pd.DataFrame,
    roster: Roster,
    evaluations: pd.DataFrame,
    answers: pd.DataFrame,
    start: dt.date,
    cutoff: dt.datetime,
) -> pd.DataFrame:
    """The coaching log: each planned session with the (at most two, latest) evaluations
    submitted before it that missed the coached question, else the agent's two latest
    evaluations the coach reviewed; sessions before the cut-off."""
    scored = answers.merge(
        evaluations[["evaluation_id", "revision", "agent_id", "submitted_at"]],
        on=["evaluation_id", "revision"],
    )
    by_agent = {agent: rows for agent, rows in scored.groupby("agent_id", observed=True)}
    nothing = scored.iloc[:0]
    rows = []
    for session in plan.itertuples():
        held = dt.datetime.combine(start + dt.timedelta(days=session.day), dt.time(COACHING_HOUR))
        agent = roster.agent_ids[session.agent_index]
        agents_answers = by_agent.get(agent, nothing)
        before = agents_answers[agents_answers["submitted_at"] < held]
        missed = before[(before["question_id"] == session.question_id) & (before["answer"] == "no")]
        evidence = (missed if len(missed) else before).sort_values("submitted_at")
        evaluation_ids = evidence["evaluation_id"].drop_duplicates().tail(2)
        rows.append(
            {
                "coaching_id": f"CO{len(rows) + 1:05d}",
                "agent_id": agent,
                "coach_id": f"S{session.team_index + 1:02d}",
                "held_at": held,
                "question_ids": session.question_id,
                "evaluation_ids": ";".join(evaluation_ids) or None,
                "notes": "Reviewed recent evaluations and agreed actions.",
                "acknowledged_at": held + dt.timedelta(days=1) if rng.random() < 0.8 else None,
            }
        )
    sessions = pd.DataFrame(
        rows,
        columns=["coaching_id", "agent_id", "coach_id", "held_at", "question_ids",
                 "evaluation_ids", "notes", "acknowledged_at"],
    )  # fmt: skip
    for column in ("held_at", "acknowledged_at"):
        sessions[column] = pd.to_datetime(sessions[column])
    # An acknowledgement after the cut-off has not happened yet when the export is taken.
    sessions["acknowledged_at"] = sessions["acknowledged_at"].where(
        sessions["acknowledged_at"] < cutoff
    )
    return sessions[sessions["held_at"] < cutoff].reset_index(drop=True)


def coaching_truth(
    plan: pd.DataFrame, profiles: pd.DataFrame, roster: Roster, start: dt.date
) -> dict:
    return {
        "probability_increase": COACHING_EFFECT,
        "cap": COACHING_CAP,
        "lag_days": COACHING_LAG_DAYS,
        "sessions": [
            {
                "agent_id": str(roster.agent_ids[row.agent_index]),
                "question_id": row.question_id,
                "held_on": (start + dt.timedelta(days=row.day)).isoformat(),
                "true_effect": round(float(effect), 4),
            }
            for row, effect in zip(plan.itertuples(), true_effect(plan, profiles), strict=True)
        ],
    }

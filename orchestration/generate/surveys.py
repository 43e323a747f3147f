"""CSAT surveys, coaching sessions, process changes and restated contacts.

Surveys and coaching sessions arrive after their contacts; the export holds only those that
happened before its cut-off.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from orchestration.generate.contacts import SpecialCause

SURVEY_RATE = 0.15
RESTATE_RATE = 0.01


def build_surveys(
    rng: np.random.Generator, contacts: pd.DataFrame, cutoff: dt.datetime
) -> pd.DataFrame:
    """CSAT driven by resolution, empathy, rudeness and long holds; responses before the
    cut-off only."""
    handled = contacts[~contacts["abandoned"]]
    surveyed = handled[rng.random(len(handled)) < SURVEY_RATE].reset_index(drop=True)
    count = len(surveyed)
    latent = (
        2.9
        + 1.1 * surveyed["resolved"].to_numpy()
        + 0.25 * (surveyed["empathy"].to_numpy() - 2)
        - 1.8 * surveyed["rude"].to_numpy()
        - 0.5 * (surveyed["hold_seconds"].to_numpy() > 120)
        + rng.normal(0, 0.7, count)
    )
    csat = np.clip(np.rint(latent), 1, 5).astype(int)
    nps = np.clip(np.rint(csat * 2.2 - 1.5 + rng.normal(0, 1.2, count)), 0, 10).astype(int)
    responded = surveyed["ended_at"].to_numpy() + rng.integers(300, 86400, count).astype(
        "timedelta64[s]"
    )
    no_csat = rng.random(count) < 0.05  # some answer only the NPS question
    agrees = rng.random(count) < 0.85
    reported = np.where(agrees, surveyed["resolved"], ~surveyed["resolved"])
    surveys = pd.DataFrame(
        {
            "survey_id": [f"SV{index + 1:07d}" for index in range(count)],
            "interaction_id": surveyed["interaction_id"].to_numpy(),
            "responded_at": responded,
            "csat": pd.Series(csat, dtype="Int64").mask(no_csat),
            "nps": nps,
            "customer_reported_resolved": reported,
            "comment": np.where(csat <= 2, "Not happy with the service.", None),
        }
    )
    return surveys[surveys["responded_at"] < cutoff].reset_index(drop=True)


def build_coaching(
    rng: np.random.Generator,
    evaluations: pd.DataFrame,
    answers: pd.DataFrame,
    team_agents: dict[str, list[str]],
    start: dt.date,
    days: int,
    cutoff: dt.datetime,
) -> pd.DataFrame:
    """Two sessions per team every fortnight, on questions the agent missed in evaluations
    submitted before the session; sessions held before the cut-off only."""
    missed = answers[answers["answer"] == "no"].merge(
        evaluations[["evaluation_id", "revision", "agent_id", "submitted_at"]],
        on=["evaluation_id", "revision"],
    )
    by_agent = missed.groupby("agent_id")
    rows = []
    for fortnight in range(0, days, 14):
        held = dt.datetime.combine(start + dt.timedelta(days=fortnight + 10), dt.time(14))
        for team, members in team_agents.items():
            for agent in rng.choice(members, size=min(2, len(members)), replace=False):
                evidence = by_agent.get_group(agent) if agent in by_agent.groups else missed[:0]
                evidence = evidence[evidence["submitted_at"] < held]
                questions = sorted(set(evidence["question_id"].head(2))) or ["empathy"]
                evaluation_ids = evidence["evaluation_id"].drop_duplicates().head(2)
                rows.append(
                    {
                        "coaching_id": f"CO{len(rows) + 1:05d}",
                        "agent_id": agent,
                        "coach_id": f"S{team[1:]}",
                        "held_at": held,
                        "question_ids": ";".join(questions),
                        "evaluation_ids": ";".join(evaluation_ids) or None,
                        "notes": "Reviewed recent evaluations and agreed actions.",
                        "acknowledged_at": held + dt.timedelta(days=1)
                        if rng.random() < 0.8
                        else None,
                    }
                )
    sessions = pd.DataFrame(rows)
    for column in ("held_at", "acknowledged_at"):
        sessions[column] = pd.to_datetime(sessions[column])
    # An acknowledgement after the cut-off has not happened yet when the export is taken.
    sessions["acknowledged_at"] = sessions["acknowledged_at"].where(
        sessions["acknowledged_at"] < cutoff
    )
    return sessions[sessions["held_at"] < cutoff].reset_index(drop=True)


def build_process_changes(
    causes: list[SpecialCause], start: dt.date, days: int, scorecard_day: int
) -> pd.DataFrame:
    """The scorecard change always; the disclosure team's refresher training when its lapse
    ended inside the data (a lapse still running has had no training yet)."""

    def at(day: int) -> dt.datetime:
        return dt.datetime.combine(start + dt.timedelta(days=day), dt.time(8))

    changes = [
        {
            "change_id": "PC001",
            "effective_at": at(scorecard_day),
            "scope": "all",
            "description": "Scorecard customer_service v2 introduced (more weight on empathy).",
        }
    ]
    for cause in causes:
        if cause.kind == "stopped_recording_disclosure" and cause.to_day < days:
            changes.append(
                {
                    "change_id": "PC002",
                    "effective_at": at(cause.to_day),
                    "scope": f"team:{cause.segment_value}",
                    "description": (
                        "Refresher training on the recording disclosure after the QA alert."
                    ),
                }
            )
    return pd.DataFrame(changes)


def restate_contacts(rng: np.random.Generator, contacts: pd.DataFrame) -> pd.DataFrame:
    """About 1 % of handled contacts corrected later: the disposition flips."""
    handled = contacts[~contacts["abandoned"]]
    restated = handled[rng.random(len(handled)) < RESTATE_RATE].copy()
    restated["resolved"] = ~restated["resolved"]
    restated["updated_at"] = restated["ended_at"] + np.timedelta64(2, "D")
    return restated

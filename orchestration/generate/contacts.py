"""Contacts and the true agent behaviour in each: the one truth transcripts, evaluations
and surveys are all generated from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.generate.roster import Roster, team_on

# contact reason → (queue, median handle seconds)
REASONS = {
    "billing": ("billing", 360),
    "payment": ("billing", 240),
    "refund": ("billing", 420),
    "cancellation": ("retention", 540),
    "upgrade": ("retention", 480),
    "technical_support": ("tech", 720),
    "password_reset": ("tech", 180),
    "outage": ("tech", 300),
    "order_status": ("general", 200),
    "address_change": ("general", 260),
    "complaint": ("general", 660),
    "general_enquiry": ("general", 220),
}
REASON_WEIGHTS = np.array([14, 10, 6, 6, 5, 14, 8, 5, 12, 5, 7, 8], dtype=float)
CHANNELS = np.array(["voice", "chat", "email"])
CHANNEL_WEIGHTS = np.array([0.6, 0.3, 0.1])
CHANNEL_TALK_FACTOR = np.array([1.0, 1.4, 0.7])
HOUR_WEIGHTS = np.array([1, 3, 6, 8, 8, 7, 6, 7, 7, 6, 5, 4, 3], dtype=float)  # 08:00-20:00
BEHAVIOURS = (
    "greeting",
    "disclosure",
    "identity",
    "hold_permission",
    "resolution_check",
    "closing",
)
# Day-to-day variation beyond the binomial: what makes a real centre's p charts overdispersed.
DAY_EFFECTS = {
    "abandonment_day_log_sd": 0.4,  # per day (staffing), multiplies abandonment everywhere
    "abandonment_queue_log_sd": 0.25,  # per day and queue, on top
    "handle_time_log_sd": 0.06,  # per day, multiplies talk time
    "behaviour_sd": 0.03,  # per day, added to every behaviour probability
    "resolution_sd": 0.04,  # per day, added to the resolution probability
}


@dataclass
class SpecialCauses:
    disclosure_team: int
    disclosure_from: int  # day index
    disclosure_to: int  # day index (the refresher training)
    abandon_queue: str
    abandon_from: int
    abandon_to: int

    def as_ground_truth(self, start: dt.date, team_ids: list[str]) -> list[dict]:
        day = lambda index: (start + dt.timedelta(days=index)).isoformat()  # noqa: E731
        return [
            {
                "kind": "stopped_recording_disclosure",
                "team_id": team_ids[self.disclosure_team],
                "question_id": "recording_disclosure",
                "channel": "voice",
                "from_date": day(self.disclosure_from),
                "to_date": day(self.disclosure_to),
                "metric": "critical_fail_rate",
                "disclosure_rate_during": 0.2,
            },
            {
                "kind": "abandonment_spike",
                "queue": self.abandon_queue,
                "from_date": day(self.abandon_from),
                "to_date": day(self.abandon_to),
                "metric": "abandonment_rate",
                "abandonment_rate_during": 0.3,
            },
        ]


def scorecard_change_day(days: int) -> int:
    """Scorecard v2 (a recorded process change, so a new SPC stage) a quarter of the way in."""
    return days // 4


def plan_special_causes(days: int, teams: int) -> SpecialCauses:
    """Both causes start after the SPC baselines of the stage begun by the scorecard change
    (at a quarter of the period), so a control chart can find them."""
    return SpecialCauses(
        disclosure_team=min(2, teams - 1),
        disclosure_from=int(days * 0.7),
        disclosure_to=max(int(days * 0.7) + 7, int(days * 0.85)),
        abandon_queue="billing",
        abandon_from=int(days * 0.6),
        abandon_to=int(days * 0.6) + 7,
    )


def agent_profiles(rng: np.random.Generator, agents: int) -> pd.DataFrame:
    """Per-agent probabilities of each behaviour; skill ties them together."""
    skill = rng.beta(6, 2, agents)
    profile = {"agent_skill": skill}
    for name, (low, high) in {
        "greeting": (0.85, 0.99),
        "disclosure": (0.88, 0.99),
        "identity": (0.8, 0.98),
        "hold_permission": (0.6, 0.95),
        "resolution_check": (0.6, 0.95),
        "closing": (0.8, 0.98),
    }.items():
        profile[name] = low + (high - low) * np.clip(skill + rng.normal(0, 0.1, agents), 0, 1)
    profile["empathy"] = np.clip(0.45 + 0.5 * skill + rng.normal(0, 0.08, agents), 0.2, 0.97)
    profile["rudeness"] = np.clip(0.03 * (1 - skill) + rng.normal(0, 0.003, agents), 0.001, 0.04)
    profile["speed"] = np.clip(rng.lognormal(0, 0.15, agents), 0.7, 1.5)
    return pd.DataFrame(profile)


def _day_volumes(rng, agents: int, start: dt.date, days: int) -> np.ndarray:
    weekday = np.array([(start + dt.timedelta(days=d)).weekday() for d in range(days)])
    per_day = np.where(weekday < 5, 16.0, 6.0)
    return rng.poisson(per_day[None, :], size=(agents, days))


def build_contacts(
    rng: np.random.Generator,
    roster: Roster,
    profiles: pd.DataFrame,
    causes: SpecialCauses,
    start: dt.date,
    days: int,
) -> pd.DataFrame:
    """One row per contact with its timings, outcome and the true behaviour of the agent."""
    volumes = _day_volumes(rng, len(roster.agent_ids), start, days)
    agent_index = np.repeat(np.arange(volumes.shape[0]), volumes.sum(axis=1))
    day_index = np.concatenate([np.repeat(np.arange(days), row) for row in volumes])
    count = len(agent_index)
    reason_names = np.array(list(REASONS))
    reason = rng.choice(len(REASONS), count, p=REASON_WEIGHTS / REASON_WEIGHTS.sum())
    queue = np.array([REASONS[name][0] for name in reason_names])[reason]
    channel = rng.choice(3, count, p=CHANNEL_WEIGHTS)
    team = team_on(roster, agent_index, day_index, days)

    seconds_in_day = (
        8 + rng.choice(len(HOUR_WEIGHTS), count, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    ) * 3600 + rng.integers(0, 3600, count)
    day_start = np.datetime64(start.isoformat(), "s") + day_index.astype("timedelta64[D]")
    started = day_start + seconds_in_day.astype("timedelta64[s]")
    queue_seconds = rng.exponential(45, count).round()

    spike = (
        (queue == causes.abandon_queue)
        & (day_index >= causes.abandon_from)
        & (day_index < causes.abandon_to)
    )
    queue_names = sorted(set(queue))
    queue_day_effect = np.exp(
        rng.normal(0, DAY_EFFECTS["abandonment_day_log_sd"], (days, 1))
        + rng.normal(0, DAY_EFFECTS["abandonment_queue_log_sd"], (days, len(queue_names)))
    )
    queue_index = np.searchsorted(queue_names, queue)
    usual = np.clip(0.05 * queue_day_effect[day_index, queue_index], 0, 0.5)
    abandon_probability = np.where(channel == 2, 0.0, np.where(spike, 0.3, usual))
    abandoned = rng.random(count) < abandon_probability

    p = {name: profiles[name].to_numpy()[agent_index] for name in profiles.columns}
    median = np.array([REASONS[name][1] for name in reason_names])[reason]
    talk = (rng.lognormal(np.log(median), 0.35) * CHANNEL_TALK_FACTOR[channel] * p["speed"]).round()
    hold_count = rng.poisson(0.35, count)
    hold_seconds = (hold_count * rng.exponential(70, count)).round()
    wrap_up = rng.exponential(40, count).round()

    day_shift = rng.normal(0, DAY_EFFECTS["behaviour_sd"], days)[day_index]
    behaviour = {name: rng.random(count) < p[name] + day_shift for name in BEHAVIOURS}
    lapse = (
        (team == causes.disclosure_team)
        & (day_index >= causes.disclosure_from)
        & (day_index < causes.disclosure_to)
    )
    behaviour["disclosure"] = np.where(lapse, rng.random(count) < 0.2, behaviour["disclosure"])
    empathy = rng.binomial(4, p["empathy"])
    rude = rng.random(count) < p["rudeness"]
    resolution_day = rng.normal(0, DAY_EFFECTS["resolution_sd"], days)[day_index]
    resolved_probability = np.clip(
        0.55
        + 0.3 * p["agent_skill"]
        + 0.05 * behaviour["resolution_check"]
        - 0.3 * rude
        + resolution_day,
        0,
        1,
    )
    resolved = rng.random(count) < resolved_probability

    answered = started + queue_seconds.astype("timedelta64[s]")
    ended = answered + (talk + hold_seconds).astype("timedelta64[s]")
    contacts = pd.DataFrame(
        {
            "interaction_id": [f"INT{index + 1:08d}" for index in range(count)],
            "agent_index": agent_index,
            "team_index": team,
            "day_index": day_index,
            "channel": CHANNELS[channel],
            "direction": np.where(rng.random(count) < 0.92, "inbound", "outbound"),
            "queue": queue,
            "contact_reason": reason_names[reason],
            "started_at": started,
            "answered_at": answered,
            "ended_at": np.where(abandoned, answered, ended),
            "queue_seconds": queue_seconds,
            "talk_seconds": np.where(abandoned, 0, talk),
            "hold_seconds": np.where(abandoned, 0, hold_seconds),
            "after_contact_work_seconds": np.where(abandoned, 0, wrap_up),
            "hold_count": np.where(abandoned, 0, hold_count),
            "transfer_count": np.where(abandoned, 0, rng.poisson(0.08, count)),
            "abandoned": abandoned,
            "resolved": resolved & ~abandoned,
            "rude": rude & ~abandoned,
            "empathy": empathy,
            "customer_index": rng.integers(0, max(1000, count // 2), count),
        }
    )
    for name in BEHAVIOURS:
        contacts[name] = behaviour[name] & ~abandoned
    contacts["agent_id"] = np.where(abandoned, None, roster.agent_ids[agent_index])
    contacts["site"] = np.array(roster.team_sites)[team]
    return contacts.sort_values("started_at", kind="stable").reset_index(drop=True)

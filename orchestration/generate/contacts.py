"""Contacts and the true agent behaviour in each: the one truth transcripts, evaluations
and surveys are all generated from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.generate.coaching import coaching_boost
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
# The one reason a self-service channel could take: short, nearly always resolved at once,
# without holds or transfers.
DEFLECTABLE_REASON = "order_status"
DEFLECTABLE_RESOLUTION_LIFT = 0.3
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


# What each kind of special cause does while it lasts.
DISCLOSURE_RATE_DURING = 0.2  # share of voice calls still given the recording disclosure
ABANDONMENT_RATE_DURING = 0.3  # share of the queue's calls abandoned
TALK_DRIFT_PER_DAY = 0.04  # talk time × (1 + 0.04 k) on the k-th day of the drift
SCENARIOS = ("default", "recent", "none")
RECENT_MIN_DAYS = 56  # eight weeks: a baseline after the scorecard change, then the causes
RECENT_COMPLETE_DAYS = 3  # daily subgroups the warehouse has seen when a recent cause is found


@dataclass(frozen=True)
class SpecialCause:
    """One injected special cause: what it moves, where, and for which days."""

    kind: str  # stopped_recording_disclosure, abandonment_spike or handle_time_drift
    segment_kind: str  # team, queue or site
    segment_value: str  # as the warehouse stores it: T03, billing, Leeds
    from_day: int  # first day index of the cause
    to_day: int  # first day index after it (exclusive); at most the number of days

    def as_ground_truth(self, start: dt.date) -> dict:
        def day(index: int) -> str:
            return (start + dt.timedelta(days=index)).isoformat()

        common = {
            "kind": self.kind,
            "segment_kind": self.segment_kind,
            "segment_value": self.segment_value,
            "from_date": day(self.from_day),
            "to_date": day(self.to_day),
        }
        if self.kind == "stopped_recording_disclosure":
            return {
                **common,
                "metrics": [
                    "critical_fail_rate",
                    "qa_score",
                    "failed_questions_per_evaluation",
                    "question_fail_rate",
                    # the machine hears the missing disclosure on every voice call
                    "machine_critical_fail_rate",
                    "machine_qa_score",
                ],
                "question_id": "recording_disclosure",
                "channel": "voice",
                "team_id": self.segment_value,
                "metric": "critical_fail_rate",
                "disclosure_rate_during": DISCLOSURE_RATE_DURING,
            }
        if self.kind == "abandonment_spike":
            return {
                **common,
                "metrics": ["abandonment_rate"],
                "queue": self.segment_value,
                "metric": "abandonment_rate",
                "abandonment_rate_during": ABANDONMENT_RATE_DURING,
            }
        return {
            **common,
            "metrics": ["handle_seconds"],
            "site": self.segment_value,
            "metric": "handle_seconds",
            "talk_time_increase_per_day": TALK_DRIFT_PER_DAY,
        }


def scorecard_change_day(days: int) -> int:
    """Scorecard v2 (a recorded process change, so a new SPC stage) a quarter of the way in."""
    return days // 4


def _last_complete_week_monday(start: dt.date, days: int) -> int:
    """Day index of the Monday of the last Monday-to-Sunday week inside the data."""
    last_day = days - 1
    last_sunday = last_day - ((start + dt.timedelta(days=last_day)).weekday() + 1) % 7
    return last_sunday - 6


def plan_special_causes(
    scenario: str,
    start: dt.date,
    days: int,
    team_ids: list[str],
    team_sites: list[str],
    evaluation_delay_days: int,
) -> list[SpecialCause]:
    """Where and when each special cause happens in a scenario.

    `default` (the demo) starts every cause after the SPC baselines of the stage begun by the
    scorecard change, so a control chart can find it, and ends most of them before the data
    does. `recent` has every cause still running when the export is taken, placed so that the
    warehouse has seen exactly three complete daily subgroups of it (evaluations of a day are
    complete `evaluation_delay_days` later) or one complete ISO week for the drift. `none` is a
    quiet period.
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown special-cause scenario {scenario!r}: use one of {SCENARIOS}")
    if scenario == "none":
        return []
    disclosure_team = min(2, len(team_ids) - 1)
    disclosure_site = team_sites[disclosure_team]
    drift_site = next((site for site in team_sites if site != disclosure_site), None)
    if drift_site is None:
        raise ValueError("handle_time_drift needs a site without the disclosure team")
    if scenario == "default":
        disclosure = (int(days * 0.7), max(int(days * 0.7) + 7, int(days * 0.85)))
        abandonment = (int(days * 0.6), int(days * 0.6) + 7)
        drift = (int(days * 0.45), int(days * 0.45) + 14)
    else:
        if days < RECENT_MIN_DAYS:
            raise ValueError(
                f"the 'recent' special-cause scenario needs at least {RECENT_MIN_DAYS} days of"
                f" data (got {days}): its causes must start after the baselines. Use --days"
                f" {RECENT_MIN_DAYS} or more, or --causes default."
            )
        recent = days - RECENT_COMPLETE_DAYS
        disclosure = (recent - evaluation_delay_days, days)
        abandonment = (recent, days)
        drift = (_last_complete_week_monday(start, days), days)
    placed = [
        ("stopped_recording_disclosure", "team", team_ids[disclosure_team], disclosure),
        ("abandonment_spike", "queue", "billing", abandonment),
        ("handle_time_drift", "site", drift_site, drift),
    ]
    return [
        SpecialCause(kind, segment_kind, value, first, min(end, days))
        for kind, segment_kind, value, (first, end) in placed
    ]


def _active(cause: SpecialCause, day_index: np.ndarray) -> np.ndarray:
    return (day_index >= cause.from_day) & (day_index < cause.to_day)


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


def handled_sample(rng: np.random.Generator, contacts: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Each handled (not abandoned) contact with chance `rate`: one draw per handled contact,
    and no copy of all of them."""
    handled = np.flatnonzero(~contacts["abandoned"].to_numpy())
    return contacts.iloc[handled[rng.random(len(handled)) < rate]]


def build_contacts(
    rng: np.random.Generator,
    roster: Roster,
    profiles: pd.DataFrame,
    causes: list[SpecialCause],
    start: dt.date,
    days: int,
    coaching: pd.DataFrame,
) -> pd.DataFrame:
    """One row per contact, in the order they started, with its timings, outcome and the true
    behaviour of the agent (after the coaching sessions of `coaching`).

    The random draws do not depend on the special causes, so the same seed gives the same
    contacts in every scenario, apart from what the causes change. Text columns are
    categorical and the frame is put in order one column at a time: a year of a large centre
    (ten million contacts) is built in about 2 GiB.
    """
    drawn, labels = _draw_contacts(rng, roster, profiles, causes, start, days, coaching)
    order = np.argsort(drawn["started_at"], kind="stable")
    columns = {  # numbered in the order they were drawn
        "interaction_id": pc.binary_join_element_wise(
            "INT", pc.utf8_lpad(pa.array(order + 1).cast(pa.string()), 8, "0"), ""
        ).to_pandas()
    }
    for name in list(drawn):
        values = drawn.pop(name)[order]
        columns[name] = (
            pd.Categorical.from_codes(values, categories=labels[name]) if name in labels else values
        )
    return pd.DataFrame(columns, copy=False)


def _draw_contacts(
    rng: np.random.Generator,
    roster: Roster,
    profiles: pd.DataFrame,
    causes: list[SpecialCause],
    start: dt.date,
    days: int,
    coaching: pd.DataFrame,
) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """The contacts' columns in the order they were drawn (by agent, then day); text columns
    as codes into their labels."""
    volumes = _day_volumes(rng, len(roster.agent_ids), start, days)
    agent_index = np.repeat(np.arange(volumes.shape[0]), volumes.sum(axis=1))
    day_index = np.concatenate([np.repeat(np.arange(days), row) for row in volumes])
    count = len(agent_index)
    reason_names = np.array(list(REASONS))
    reason = rng.choice(len(REASONS), count, p=REASON_WEIGHTS / REASON_WEIGHTS.sum())
    all_queues = sorted({queue for queue, _ in REASONS.values()})
    queue_code = np.array([all_queues.index(REASONS[name][0]) for name in reason_names])[reason]
    channel = rng.choice(3, count, p=CHANNEL_WEIGHTS)
    team = team_on(roster, agent_index, day_index, days)
    site_names, site_of_team = np.unique(roster.team_sites, return_inverse=True)
    # Each segment kind: its labels and every contact's position among them (codes, not
    # strings: ten million contacts stay small).
    segments = {
        "team": (list(roster.team_ids), team),
        "queue": (all_queues, queue_code),
        "site": (list(site_names), site_of_team[team]),
    }

    def affected(kind: str) -> list[tuple[SpecialCause, np.ndarray]]:
        """Each cause of a kind with its contacts: in its segment, on its days."""
        found = []
        for cause in causes:
            if cause.kind == kind:
                labels, codes = segments[cause.segment_kind]
                inside = (
                    codes == labels.index(cause.segment_value)
                    if cause.segment_value in labels
                    else np.zeros(count, bool)
                )
                found.append((cause, inside & _active(cause, day_index)))
        return found

    seconds_in_day = (
        8 + rng.choice(len(HOUR_WEIGHTS), count, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    ) * 3600 + rng.integers(0, 3600, count)
    day_start = np.datetime64(start.isoformat(), "s") + day_index.astype("timedelta64[D]")
    started = day_start + seconds_in_day.astype("timedelta64[s]")
    del day_start, seconds_in_day
    queue_seconds = rng.exponential(45, count).round()

    present_queues = np.unique(queue_code)  # sorted, as the queues' names are
    queue_day_effect = np.exp(
        rng.normal(0, DAY_EFFECTS["abandonment_day_log_sd"], (days, 1))
        + rng.normal(0, DAY_EFFECTS["abandonment_queue_log_sd"], (days, len(present_queues)))
    )
    queue_index = np.searchsorted(present_queues, queue_code)
    abandon_probability = np.clip(0.05 * queue_day_effect[day_index, queue_index], 0, 0.5)
    for _, spike in affected("abandonment_spike"):
        abandon_probability = np.where(spike, ABANDONMENT_RATE_DURING, abandon_probability)
    abandon_probability = np.where(channel == 2, 0.0, abandon_probability)  # email waits
    abandoned = rng.random(count) < abandon_probability
    del abandon_probability, queue_index

    def trait(name: str) -> np.ndarray:
        """The agent's `name` column of `profiles` on each contact (made when needed: each is
        as large as the contacts)."""
        return profiles[name].to_numpy()[agent_index]

    median = np.array([REASONS[name][1] for name in reason_names])[reason]
    talk = rng.lognormal(np.log(median), 0.35) * CHANNEL_TALK_FACTOR[channel] * trait("speed")
    for cause, drifting in affected("handle_time_drift"):
        day_of_cause = day_index - cause.from_day + 1
        talk = np.where(drifting, talk * (1 + TALK_DRIFT_PER_DAY * day_of_cause), talk)
    deflectable = reason == list(REASONS).index(DEFLECTABLE_REASON)
    hold_count = np.where(deflectable, 0, rng.poisson(0.35, count))
    hold_seconds = (hold_count * rng.exponential(70, count)).round()
    wrap_up = rng.exponential(40, count).round()

    day_shift = rng.normal(0, DAY_EFFECTS["behaviour_sd"], days)[day_index]
    behaviour = {}
    for name in BEHAVIOURS:
        drawn, chance = rng.random(count), trait(name)
        boost = coaching_boost(coaching, name, agent_index, day_index, chance)
        behaviour[name] = drawn < chance + day_shift + boost
    del drawn, chance, boost, day_shift
    disclosed_during_lapse = rng.random(count) < DISCLOSURE_RATE_DURING
    for _, lapse in affected("stopped_recording_disclosure"):
        behaviour["disclosure"] = np.where(lapse, disclosed_during_lapse, behaviour["disclosure"])
    empathy = rng.binomial(4, trait("empathy"))
    rude = rng.random(count) < trait("rudeness")
    resolution_day = rng.normal(0, DAY_EFFECTS["resolution_sd"], days)[day_index]
    resolved_probability = np.clip(
        0.55
        + 0.3 * trait("agent_skill")
        + 0.05 * behaviour["resolution_check"]
        - 0.3 * rude
        + DEFLECTABLE_RESOLUTION_LIFT * deflectable
        + resolution_day,
        0,
        1,
    )
    resolved = rng.random(count) < resolved_probability
    del resolved_probability, resolution_day
    # slow systems or a busy day lengthen every call a little (drawn last: the draws above
    # keep their values)
    talk = (
        talk * np.exp(rng.normal(0, DAY_EFFECTS["handle_time_log_sd"], days))[day_index]
    ).round()

    answered = started + queue_seconds.astype("timedelta64[s]")
    ended = answered + (talk + hold_seconds).astype("timedelta64[s]")
    # Drawn last and in this order, so that a seed keeps giving the same contacts.
    outbound = rng.random(count) >= 0.92
    transfers = rng.poisson(0.08, count)
    customer_index = rng.integers(0, max(1000, count // 2), count)
    columns = {
        "agent_index": agent_index,
        "team_index": team,
        "day_index": day_index,
        "channel": channel,
        "direction": outbound.astype(np.int8),
        "queue": queue_code,
        "contact_reason": reason,
        "started_at": started,
        "answered_at": answered,
        "ended_at": np.where(abandoned, answered, ended),
        "queue_seconds": queue_seconds,
        "talk_seconds": np.where(abandoned, 0, talk),
        "hold_seconds": np.where(abandoned, 0, hold_seconds),
        "after_contact_work_seconds": np.where(abandoned, 0, wrap_up),
        "hold_count": np.where(abandoned, 0, hold_count),
        "transfer_count": np.where(abandoned | deflectable, 0, transfers),
        "abandoned": abandoned,
        "resolved": resolved & ~abandoned,
        "rude": rude & ~abandoned,
        "empathy": empathy,
        "customer_index": customer_index,
        **{name: behaviour[name] & ~abandoned for name in BEHAVIOURS},
        "agent_id": np.where(abandoned, -1, agent_index),
        "site": site_of_team[team],
    }
    labels = {
        "channel": list(CHANNELS),
        "direction": ["inbound", "outbound"],
        "queue": all_queues,
        "contact_reason": list(REASONS),
        "agent_id": list(roster.agent_ids),
        "site": list(site_names),
    }
    return columns, labels

"""The roster: sites (one an outsourced vendor), teams, agents and one team change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

# In this order so that a sample of two teams already has an outsourced site.
SITES = (("Leeds", None), ("Cebu", "BrightPath BPO"), ("Glasgow", None))
TEAM_NAMES = (
    "Aurora", "Beacon", "Comet", "Delta", "Ember", "Falcon", "Granite", "Harbor",
    "Indigo", "Juniper", "Kestrel", "Lumen", "Meridian", "Nova", "Orbit", "Pioneer",
)  # fmt: skip
FIRST_NAMES = ("Alex", "Sam", "Jo", "Priya", "Liam", "Mei", "Omar", "Ana", "Tom", "Zoe", "Ravi")
LAST_NAMES = ("Reyes", "Smith", "Khan", "Okafor", "Nowak", "Silva", "Brown", "Ito", "Moreau")
AGENTS_PER_TEAM = 12


@dataclass
class Roster:
    agents: pd.DataFrame  # one row per roster row (effective-dated)
    agent_ids: np.ndarray  # one per agent
    agent_team: np.ndarray  # team index per agent at the start
    team_ids: list[str]
    team_sites: list[str]
    team_change: dict  # agent_id, from_team, to_team, date


def build_roster(rng: np.random.Generator, agents: int, start: dt.date, days: int) -> Roster:
    teams = max(2, -(-agents // AGENTS_PER_TEAM))
    team_ids = [f"T{index + 1:02d}" for index in range(teams)]
    team_sites = [SITES[index % len(SITES)][0] for index in range(teams)]
    agent_ids = np.array([f"A{index + 1:04d}" for index in range(agents)])
    agent_team = np.arange(agents) % teams
    names = [
        f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 7) % len(LAST_NAMES)]}"
        for i in range(agents)
    ]
    hired = [start - dt.timedelta(days=int(d)) for d in rng.integers(30, 1500, agents)]
    rows = []
    for index in range(agents):
        team = agent_team[index]
        site, vendor = SITES[team % len(SITES)]
        rows.append(
            {
                "agent_id": agent_ids[index],
                "agent_name": names[index],
                "team_id": team_ids[team],
                "team_name": TEAM_NAMES[team % len(TEAM_NAMES)],
                "supervisor_id": f"S{team + 1:02d}",
                "site": site,
                "vendor": vendor,
                "hired_at": hired[index].isoformat(),
                "effective_from": hired[index].isoformat(),
                "effective_to": None,
            }
        )
    # Agent 2 moves to the next team half-way through: two effective-dated rows.
    mover = 1 if agents > 1 else 0
    change_date = start + dt.timedelta(days=days // 2)
    from_team, to_team = agent_team[mover], (agent_team[mover] + 1) % teams
    rows[mover]["effective_to"] = change_date.isoformat()
    site, vendor = SITES[to_team % len(SITES)]
    rows.append(
        {
            **rows[mover],
            "team_id": team_ids[to_team],
            "team_name": TEAM_NAMES[to_team % len(TEAM_NAMES)],
            "supervisor_id": f"S{to_team + 1:02d}",
            "site": site,
            "vendor": vendor,
            "effective_from": change_date.isoformat(),
            "effective_to": None,
        }
    )
    return Roster(
        agents=pd.DataFrame(rows),
        agent_ids=agent_ids,
        agent_team=agent_team,
        team_ids=team_ids,
        team_sites=team_sites,
        team_change={
            "agent_id": str(agent_ids[mover]),
            "from_team": team_ids[from_team],
            "to_team": team_ids[to_team],
            "date": change_date.isoformat(),
        },
    )


def team_on(
    roster: Roster, agent_index: np.ndarray, day_index: np.ndarray, days: int
) -> np.ndarray:
    """Team index of each (agent, day) pair, honouring the team change."""
    teams = roster.agent_team[agent_index].copy()
    mover = int(np.where(roster.agent_ids == roster.team_change["agent_id"])[0][0])
    moved = (agent_index == mover) & (day_index >= days // 2)
    teams[moved] = roster.team_ids.index(roster.team_change["to_team"])
    return teams

"""CSAT surveys, process changes and restated contacts.

Surveys arrive after their contacts; the export holds only those answered before its
cut-off. What drives CSAT is known (`CSAT_DRIVERS`): the ground truth records it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from orchestration.generate.contacts import SpecialCause, handled_sample

SURVEY_RATE = 0.15
RESTATE_RATE = 0.01
# CSAT = round(CSAT_BASE + Σ effect · behaviour + the outcome effects + noise), within 1..5.
# A behaviour is the agent doing what the scorecard question checks (professionalism: not
# rude; empathy: the empathy line, 3 points or more; hold_permission: asked before a hold,
# on contacts with a hold). Questions not listed do not move CSAT.
CSAT_BASE = 0.8
CSAT_DRIVERS = {
    "professionalism": 1.8,
    "resolution_check": 0.6,
    "empathy": 0.4,
    "hold_permission": 0.3,
    "greeting": 0.0,
    "recording_disclosure": 0.0,
    "identity_check": 0.0,
    "closing": 0.0,
}
CSAT_OUTCOME_EFFECTS = {"resolved": 1.1, "hold_over_120_seconds": -0.5}
CSAT_NOISE_SD = 0.7
REPORTED_RESOLVED_AGREEMENT = 0.85  # the customer says "resolved" as the agent recorded it


def build_surveys(
    rng: np.random.Generator, contacts: pd.DataFrame, cutoff: dt.datetime
) -> pd.DataFrame:
    """CSAT driven by the behaviours of `CSAT_DRIVERS` and the outcomes; responses before
    the cut-off only."""
    surveyed = handled_sample(rng, contacts, SURVEY_RATE).reset_index(drop=True)
    count = len(surveyed)
    held = surveyed["hold_count"].to_numpy() > 0
    behaviour = {
        "professionalism": ~surveyed["rude"].to_numpy(),
        "resolution_check": surveyed["resolution_check"].to_numpy(),
        "empathy": surveyed["empathy"].to_numpy() >= 3,
        "hold_permission": held & surveyed["hold_permission"].to_numpy(),
    }
    latent = (
        CSAT_BASE
        + sum(CSAT_DRIVERS[name] * done for name, done in behaviour.items())
        + CSAT_OUTCOME_EFFECTS["resolved"] * surveyed["resolved"].to_numpy()
        + CSAT_OUTCOME_EFFECTS["hold_over_120_seconds"]
        * (surveyed["hold_seconds"].to_numpy() > 120)
        + rng.normal(0, CSAT_NOISE_SD, count)
    )
    csat = np.clip(np.rint(latent), 1, 5).astype(int)
    nps = np.clip(np.rint(csat * 2.2 - 1.5 + rng.normal(0, 1.2, count)), 0, 10).astype(int)
    responded = surveyed["ended_at"].to_numpy() + rng.integers(300, 86400, count).astype(
        "timedelta64[s]"
    )
    no_csat = rng.random(count) < 0.05  # some answer only the NPS question
    agrees = rng.random(count) < REPORTED_RESOLVED_AGREEMENT
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
    restated = handled_sample(rng, contacts, RESTATE_RATE).copy()
    restated["resolved"] = ~restated["resolved"]
    restated["updated_at"] = restated["ended_at"] + np.timedelta64(2, "D")
    return restated


def csat_truth() -> dict:
    return {
        "outcome": "csat",
        "question_effects": CSAT_DRIVERS,
        "outcome_effects": CSAT_OUTCOME_EFFECTS,
        "base": CSAT_BASE,
        "noise_sd": CSAT_NOISE_SD,
        "rounding": "rounded to the nearest integer and clipped to 1..5",
        "reported_resolved_agreement": REPORTED_RESOLVED_AGREEMENT,
    }

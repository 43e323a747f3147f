"""Human evaluations of a ~3 % random sample: evaluator leniency, disputes, calibration.

Evaluators score exactly as the contact shows, except one lenient and one harsh evaluator
(`EVALUATORS`, recorded in ground_truth.json): calibration (every evaluator scores the same
few contacts each week) is there to find them.

Evaluations arrive after the contact (up to `EVALUATION_MAX_DELAY_DAYS` later, disputes a week
after that), so an export taken at a cut-off holds only part of the last days' evaluations.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from orchestration.generate.contacts import handled_sample
from orchestration.generate.forms import FORM_ID, QUESTIONS, questions_of

SAMPLE_RATE = 0.03
DISPUTE_RATE = 0.05
EVALUATION_MAX_DELAY_DAYS = 5  # a standard evaluation is submitted 1 hour to 5 days after
DISPUTE_DELAY_DAYS = 7  # the re-scored revision comes a week after the first
# evaluator → leniency: the chance a missed behaviour is still marked `yes` and an empathy
# score is a point higher (negative: harsh, the chance a shown behaviour is marked `no` and an
# empathy score a point lower). Leniency is judgement: a `critical: form` question (an
# auto-fail, e.g. a rude remark) is answered as the contact shows by every evaluator. One
# lenient and one harsh evaluator; the others (Q01, the QA lead, among them) score exactly.
EVALUATORS = {"Q01": 0.0, "Q02": 0.0, "Q03": 0.0, "Q04": -0.1, "Q05": 0.0, "Q06": 0.7}
CALIBRATION_CONTACTS_PER_WEEK = 5  # each scored by every evaluator
TRUTH_COLUMN = {
    "greeting": "greeting",
    "recording_disclosure": "disclosure",
    "identity_check": "identity",
    "hold_permission": "hold_permission",
    "resolution_check": "resolution_check",
    "closing": "closing",
}


def _answers_for(
    rng: np.random.Generator, scored: pd.DataFrame, version: int, leniency: np.ndarray
) -> pd.DataFrame:
    """One row per (evaluation, question) with the evaluator's answer."""
    frames = []
    count = len(scored)
    for question in questions_of(version):
        critical_level = QUESTIONS[question][3]
        leniency_here = np.zeros(count) if critical_level == "form" else leniency
        if question == "empathy":
            bump = (rng.random(count) < np.abs(leniency_here)) * np.sign(leniency_here)
            answer = np.clip(scored["empathy"].to_numpy() + bump, 0, 4).astype(int).astype(str)
        else:
            truth = (
                ~scored["rude"].to_numpy()
                if question == "professionalism"
                else scored[TRUTH_COLUMN[question]].to_numpy()
            )
            flip_up = (~truth) & (rng.random(count) < np.clip(leniency_here, 0, 1))
            flip_down = truth & (rng.random(count) < np.clip(-leniency_here, 0, 1))
            answer = np.where((truth | flip_up) & ~flip_down, "yes", "no").astype(object)
            if question == "recording_disclosure":
                answer[(scored["channel"] != "voice").to_numpy()] = "na"
            if question == "hold_permission":
                answer[(scored["hold_count"] == 0).to_numpy()] = "na"
        comment = np.where(answer == "no", f"Missed: {question.replace('_', ' ')}", None)
        frames.append(
            pd.DataFrame(
                {
                    "evaluation_id": scored["evaluation_id"].to_numpy(),
                    "revision": scored["revision"].to_numpy(),
                    "question_id": question,
                    "answer": answer,
                    "comment": comment,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def build_evaluations(
    rng: np.random.Generator,
    contacts: pd.DataFrame,
    v2_from_day: int,
    cutoff: dt.datetime,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Evaluation headers and answers submitted before the export cut-off, and their truth."""
    sampled = handled_sample(rng, contacts, SAMPLE_RATE).reset_index(drop=True)
    evaluator_names = np.array(list(EVALUATORS))
    sampled["evaluator_id"] = evaluator_names[rng.integers(0, len(EVALUATORS), len(sampled))]
    sampled["evaluation_type"] = "standard"
    sampled["revision"] = 1
    sampled["evaluation_id"] = [f"EV{index + 1:07d}" for index in range(len(sampled))]

    disputed = sampled[rng.random(len(sampled)) < DISPUTE_RATE].copy()
    disputed["revision"] = 2
    disputed["evaluator_id"] = "Q01"  # the QA lead re-scores to the truth

    # Calibration: a few sampled contacts of every week, each scored by every evaluator.
    pool = sampled.drop_duplicates("interaction_id")
    shuffled = pool.sample(frac=1.0, random_state=int(rng.integers(2**31)))
    picks = shuffled.groupby(shuffled["day_index"] // 7).head(CALIBRATION_CONTACTS_PER_WEEK)
    calibration = picks.loc[picks.index.repeat(len(EVALUATORS))].copy()
    calibration["evaluator_id"] = np.tile(evaluator_names, len(picks))
    calibration["evaluation_type"] = "calibration"
    calibration["evaluation_id"] = [f"CAL{index + 1:06d}" for index in range(len(calibration))]

    headers = pd.concat([sampled, disputed, calibration], ignore_index=True)
    headers["form_version"] = np.where(headers["day_index"] >= v2_from_day, 2, 1)
    leniency = headers["evaluator_id"].map(EVALUATORS).to_numpy()
    leniency = np.where(headers["revision"] == 2, 0.0, leniency)
    delay = rng.integers(3600, EVALUATION_MAX_DELAY_DAYS * 86400, len(headers))
    headers["submitted_at"] = headers["ended_at"].to_numpy() + delay.astype("timedelta64[s]")
    headers.loc[headers["revision"] == 2, "submitted_at"] += np.timedelta64(DISPUTE_DELAY_DAYS, "D")
    # A calibration contact is scored in one session: its evaluations are submitted together,
    # so an export holds all of a session or none of it.
    session = headers["evaluation_type"] == "calibration"
    headers.loc[session, "submitted_at"] = (
        headers[session].groupby("interaction_id")["submitted_at"].transform("min")
    )
    headers["started_at"] = headers["submitted_at"] - np.timedelta64(15, "m")

    answers = pd.concat(
        [
            _answers_for(rng, headers[mask].reset_index(drop=True), version, leniency[mask])
            for version in (1, 2)
            if (mask := (headers["form_version"] == version).to_numpy()).any()
        ]
        or [_answers_for(rng, headers.iloc[:0], 1, leniency[:0])],  # no evaluation at all
        ignore_index=True,
    )
    # Drawn for every evaluation, then cut: the random stream does not depend on the cut-off.
    exported = headers[headers["submitted_at"] < cutoff]
    answers = answers.merge(
        exported[["evaluation_id", "revision"]], on=["evaluation_id", "revision"]
    )
    header_columns = exported.assign(form_id=FORM_ID)[
        [
            "evaluation_id", "revision", "interaction_id", "agent_id", "evaluator_id",
            "form_id", "form_version", "evaluation_type", "started_at", "submitted_at",
        ]
    ]  # fmt: skip
    standard = exported[exported["evaluation_type"] == "standard"]
    calibrations = exported[exported["evaluation_type"] == "calibration"]
    truth = {
        "sample_rate": SAMPLE_RATE,
        "evaluation_max_delay_days": EVALUATION_MAX_DELAY_DAYS,
        "standard_evaluations": int(standard["evaluation_id"].nunique()),
        "disputed_evaluation_ids": standard.loc[
            standard["revision"] == 2, "evaluation_id"
        ].tolist(),
        "calibration_interaction_ids": calibrations["interaction_id"].unique().tolist(),
        "calibration_evaluations": int(len(calibrations)),
        "evaluator_leniency": EVALUATORS,
        "lenient_evaluators": [name for name, value in EVALUATORS.items() if value > 0],
        "harsh_evaluators": [name for name, value in EVALUATORS.items() if value < 0],
        "calibration_contacts_per_week": CALIBRATION_CONTACTS_PER_WEEK,
    }
    return header_columns.reset_index(drop=True), answers, truth

"""Machine scoring from transcripts, checked against answers, scores, κ and coverage worked out
by hand (tests/fixtures/machine_scoring_landing), against statsmodels' cohens_kappa, and
against the generator's ground truth.

Form mach_form v1 (from 2026-01-01): section opening W=40 (greeting w1: agent says "my name
is" within the first 2 turns; disclosure w1, critical form, na allowed: "may be recorded"
within 20 s, applies when the channel is voice), section handling W=60 (empathy scale 0..4
w2: "sorry" or "i understand", points met 4 / not met 1; hold_permission w1, na allowed:
asked before each "[... placed on hold]"; professionalism w1: "stop wasting my time" absent;
transfer_announced w1: "let me transfer you" before the first "transferred"; customer_thanked
w1: the customer says "thank you" or "thanks" after the agent's "fixed"; short_hold w1:
hold_seconds <= 120; notes_quality w1 without a rule). v2 (from 2026-06-08): the same without
the greeting rule.
"""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from orchestration.ingest.auto_rules import AUTO_RULE_MEASURES
from tests.conftest import FIXTURES, run_pipeline

pytestmark = pytest.mark.slow

NO_RUDE = "no agent turn says any of: stop wasting my time"
NO_TRANSFER = "no agent turn says any of: let me transfer you"
NO_THANKS = "no customer turn says any of: thank you, thanks"
NO_EMPATHY = "no agent turn says any of: i understand, sorry"
NO_GREETING = "no agent turn says any of: my name is, you're speaking with"
NO_HOLD = "no system turn says any of: placed on hold"

# (interaction, question) → (answer, evidence turn_index, evidence text), one feature each.
EXPECTED_ANSWERS = {
    # M1: every rule met
    ("M1", "greeting"): ("yes", 0, "Hello, my name is Ann."),
    ("M1", "disclosure"): ("yes", 1, "This call may be recorded."),  # begins at 5 s < 20 s
    ("M1", "empathy"): ("4", 3, "I'm so sorry to hear that."),  # points met
    ("M1", "hold_permission"): ("yes", 4, "May I place you on hold?"),  # asked before the hold
    ("M1", "professionalism"): ("yes", None, NO_RUDE),  # absent: nothing rude said
    ("M1", "transfer_announced"): ("yes", 8, "Let me transfer you to billing."),  # before turn 9
    ("M1", "customer_thanked"): ("yes", 7, "Thank you!"),  # customer, after "fixed" (turn 6)
    ("M1", "short_hold"): ("yes", None, "hold_seconds = 60, rule <= 120"),
    # M2: what goes wrong
    ("M2", "greeting"): ("no", None, NO_GREETING),  # only the customer says "my name is"
    ("M2", "disclosure"): ("no", None, "no agent turn says any of: is being recorded, may be recorded"),  # at 25 s
    ("M2", "empathy"): ("1", None, NO_EMPATHY),  # points not met
    ("M2", "hold_permission"): ("no", 6, "[customer placed on hold]"),  # 2nd hold not asked
    ("M2", "professionalism"): ("no", 7, "Stop wasting my time."),
    ("M2", "transfer_announced"): ("yes", 9, "Let me transfer you."),  # no transfer: no constraint
    ("M2", "customer_thanked"): ("yes", 8, "Thank you."),  # no "fixed": no constraint
    ("M2", "short_hold"): ("no", None, "hold_seconds = 340, rule <= 120"),
    # M3: chat without hold
    ("M3", "greeting"): ("yes", 0, "Hi, my name is Cy."),
    ("M3", "disclosure"): ("na", None, "channel = chat, rule in voice"),  # applies_when
    ("M3", "empathy"): ("1", None, NO_EMPATHY),
    ("M3", "hold_permission"): ("na", None, NO_HOLD),  # before_each without an event
    ("M3", "professionalism"): ("yes", None, NO_RUDE),
    ("M3", "transfer_announced"): ("no", None, NO_TRANSFER),  # said after the transfer
    ("M3", "customer_thanked"): ("no", None, NO_THANKS),  # thanked before the fix only
    ("M3", "short_hold"): ("yes", None, "hold_seconds = 0, rule <= 120"),
    # M4: the agent's first turn is the contact's third
    ("M4", "greeting"): ("no", None, NO_GREETING),  # within_turns 2
    ("M4", "disclosure"): ("yes", 2, "Sorry, my name is Di, this call may be recorded."),  # 12 s
    ("M4", "empathy"): ("4", 2, "Sorry, my name is Di, this call may be recorded."),
    ("M4", "hold_permission"): ("na", None, NO_HOLD),
    ("M4", "professionalism"): ("yes", None, NO_RUDE),
    ("M4", "transfer_announced"): ("no", None, NO_TRANSFER),
    ("M4", "customer_thanked"): ("no", None, NO_THANKS),
    ("M4", "short_hold"): ("yes", None, "hold_seconds = 0, rule <= 120"),
    # M7: on 9 June, form v2 (no greeting rule: greeting is not answered)
    ("M7", "disclosure"): ("na", None, "channel = chat, rule in voice"),
    ("M7", "empathy"): ("4", 0, "My name is Ed, I'm sorry for the wait."),
    ("M7", "hold_permission"): ("na", None, NO_HOLD),
    ("M7", "professionalism"): ("yes", None, NO_RUDE),
    ("M7", "transfer_announced"): ("no", None, NO_TRANSFER),
    ("M7", "customer_thanked"): ("no", None, NO_THANKS),
    ("M7", "short_hold"): ("yes", None, "hold_seconds = 0, rule <= 120"),
}  # fmt: skip

# Scores by the brief's rules (section W·S over non-N/A sections; critical form miss ⇒ 0).
EXPECTED_SCORES = {
    # opening (1+1)/2 = 1; handling (2·1 + 1+1+1+1+1) / 7 = 1 (notes_quality N/A)
    "M1": dict(version=1, score=100.0, before=100.0, critical=False),
    # opening 0 with the critical disclosure missed ⇒ 0; before: handling
    # (2·0.25 + 0 + 0 + 1 + 1 + 0) / 7 = 2.5/7 ⇒ 100·60·(2.5/7)/100
    "M2": dict(version=1, score=0.0, before=60 * 2.5 / 7, critical=True),
    # opening 1 (disclosure na); handling (2·0.25 + 1 + 0 + 0 + 1) / 6 (hold na)
    "M3": dict(version=1, score=40 + 60 * 2.5 / 6, before=40 + 60 * 2.5 / 6, critical=False),
    # opening (0+1)/2; handling (2·1 + 1 + 0 + 0 + 1) / 6
    "M4": dict(version=1, score=40 * 0.5 + 60 * 4 / 6, before=40 * 0.5 + 60 * 4 / 6, critical=False),
    # opening all N/A (greeting unanswered, disclosure na) ⇒ handling alone, 4/6
    "M7": dict(version=2, score=100 * 4 / 6, before=100 * 4 / 6, critical=False),
}  # fmt: skip


@pytest.fixture(scope="module")
def machine_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("machine_scoring")
    landing = workdir / "landing"
    shutil.copytree(FIXTURES / "machine_scoring_landing", landing)
    run = run_pipeline(landing, workdir)
    with duckdb.connect(str(run.published), read_only=True) as connection:
        yield connection


def test_every_rule_feature_gives_the_hand_worked_answer_and_evidence(machine_run):
    rows = machine_run.execute(
        "select interaction_id, question_id, answer, evidence_turn_index, evidence_text"
        " from marts.fct_evaluation_answers where evaluation_type = 'auto' and answer is not null"
    ).fetchall()
    found = {(row[0], row[1]): row[2:] for row in rows}
    assert found == EXPECTED_ANSWERS


def test_questions_without_a_rule_are_left_unanswered(machine_run):
    unanswered = machine_run.execute(
        "select interaction_id, question_id, is_na from marts.fct_evaluation_answers"
        " where evaluation_type = 'auto' and answer is null order by 1, 2"
    ).fetchall()
    expected = [(i, "notes_quality", True) for i in ("M1", "M2", "M3", "M4")]
    expected.insert(4, ("M7", "greeting", True))  # v2 has no greeting rule
    expected.append(("M7", "notes_quality", True))
    assert unanswered == expected


def test_machine_evaluations_cover_every_transcript_with_the_form_in_force(machine_run):
    rows = machine_run.execute(
        "select interaction_id, evaluation_id, form_version, evaluator_id, agent_id,"
        " is_agent_scored from marts.fct_evaluations where evaluation_type = 'auto' order by 1"
    ).fetchall()
    # M5 has no transcript, M6 was abandoned; M7 is on the day v2 is in force
    contacts = [("M1", 1, "A1"), ("M2", 1, "A1"), ("M3", 1, "A1"), ("M4", 1, "A2"),
                ("M7", 2, "A1")]  # fmt: skip
    assert rows == [
        (i, f"auto:{i}:mach_form", version, "machine", agent, False)
        for i, version, agent in contacts
    ]


@pytest.mark.parametrize("interaction_id", sorted(EXPECTED_SCORES))
def test_machine_evaluation_is_scored_like_a_human_one(machine_run, interaction_id):
    expected = EXPECTED_SCORES[interaction_id]
    [(version, score, before, critical)] = machine_run.execute(
        "select form_version, score, score_before_critical, is_critical_fail"
        " from marts.fct_evaluations where evaluation_id = ?",
        [f"auto:{interaction_id}:mach_form"],
    ).fetchall()
    assert version == expected["version"]
    assert score == pytest.approx(expected["score"], abs=1e-9)
    assert before == pytest.approx(expected["before"], abs=1e-9)
    assert critical is expected["critical"]


def agreement_pairs(question_id: str) -> list[tuple[str, str]]:
    """(human, machine) answers on contacts both scored, written out by hand from the fixture:
    latest revision of the standard evaluation (E2 revision 2 replaces revision 1), the
    calibration on M3 and M5 (no transcript) left out."""
    human = {
        "greeting": {"M1": "yes", "M2": "no", "M4": "yes"},
        "empathy": {"M1": "4", "M2": "1", "M4": "3"},
    }[question_id]
    machine = {key[0]: value[0] for key, value in EXPECTED_ANSWERS.items() if key[1] == question_id}
    return [(human[i], machine[i]) for i in sorted(human)]


def reference_kappa(pairs):
    categories = sorted({answer for pair in pairs for answer in pair})
    table = np.zeros((len(categories), len(categories)))
    for human, machine in pairs:
        table[categories.index(human), categories.index(machine)] += 1
    return cohens_kappa(table)


@pytest.mark.parametrize(
    ("question_id", "hand_kappa"),
    [
        # greeting: yes/yes, no/no, yes/no. Po = 2/3; human yes 2/3, machine yes 1/3 ⇒
        # Pe = 2/3·1/3 + 1/3·2/3 = 4/9; κ = (2/3 − 4/9) / (5/9) = 0.4
        ("greeting", 0.4),
        # empathy: 4/4, 1/1, 3/4. Po = 2/3; Pe = 1/3·1/3 (1) + 1/3·0 (3) + 1/3·2/3 (4) = 1/3;
        # κ = (1/3) / (2/3) = 0.5
        ("empathy", 0.5),
    ],
)
def test_kappa_matches_statsmodels_and_the_hand_value(machine_run, question_id, hand_kappa):
    reference = reference_kappa(agreement_pairs(question_id))
    [row] = machine_run.execute(
        "select pairs_count, agreed_count, observed_agreement, kappa, kappa_std_error,"
        " kappa_lower_95, kappa_upper_95 from marts.mart_machine_agreement"
        " where form_id = 'mach_form' and question_id = ?",
        [question_id],
    ).fetchall()
    pairs, agreed, observed, kappa, std_error, lower, upper = row
    assert (pairs, agreed, observed) == (3, 2, pytest.approx(2 / 3))
    assert kappa == pytest.approx(hand_kappa, abs=1e-12)
    assert kappa == pytest.approx(reference.kappa, abs=1e-12)
    assert std_error == pytest.approx(reference.std_kappa, abs=1e-12)
    assert (lower, upper) == (
        pytest.approx(reference.kappa_low, abs=1e-9),
        pytest.approx(reference.kappa_upp, abs=1e-9),
    )


def test_confusion_counts_pair_human_and_machine_answers(machine_run):
    rows = machine_run.execute(
        "select human_answer, machine_answer, pairs_count from marts.mart_machine_agreement_confusion"
        " where question_id = 'greeting' order by 1, 2"
    ).fetchall()
    assert rows == [("no", "no", 1), ("yes", "no", 1), ("yes", "yes", 1)]


def test_coverage_counts_handled_transcribed_machine_and_human_per_agent_week(machine_run):
    rows = machine_run.execute(
        "select agent_id, cast(week_start as varchar), interactions_count, transcribed_count,"
        " machine_scored_count, human_evaluated_count, machine_scored_share,"
        " human_evaluated_share from marts.mart_evaluation_coverage order by 1, 2"
    ).fetchall()
    assert rows == [
        # M1, M2, M3 handled and transcribed; E1 on M1, E2 on M2 (C1 on M3 is calibration)
        ("A1", "2026-06-01", 3, 3, 3, 2, 1.0, pytest.approx(2 / 3)),
        # M7
        ("A1", "2026-06-08", 1, 1, 1, 0, 1.0, 0.0),
        # M4 and M5 (no transcript), E3 and E4; M6 was abandoned
        ("A2", "2026-06-01", 2, 1, 1, 2, 0.5, 1.0),
    ]


def test_measures_are_the_ones_a_rule_may_name(machine_run):
    """int_interaction_measures produces exactly the measures the ingest check allows
    (AUTO_RULE_MEASURES): M1, a voice contact with a transcript, has a value for each."""
    produced = {
        row[0]
        for row in machine_run.execute(
            "select distinct measure from intermediate.int_interaction_measures"
            " where interaction_id = 'M1'"
        ).fetchall()
    }
    assert produced == set(AUTO_RULE_MEASURES)


QUESTION_TRUTH = {  # question → column of ground_truth_interactions.parquet
    "greeting": "greeting",
    "recording_disclosure": "recording_disclosure",
    "identity_check": "identity_check",
    "empathy": "empathy",
    "professionalism": "professionalism",
    "hold_permission": "hold_permission",
    "resolution_check": "resolution_check",
    "closing": "closing",
}


def test_machine_answers_recover_the_generated_truth(generated_run, generated_landing):
    """Per question, the machine's answer equals the true behaviour the generator wrote into
    the transcript on ≥ 95 % of handled contacts. Truth null (no voice, no hold) must be na;
    empathy is compared as the generator writes it: an empathy line is said when the true
    points are 3 or more, and the rule then gives 4 points (else 2)."""
    truth = pd.read_parquet(generated_landing / "ground_truth_interactions.parquet")
    with duckdb.connect(str(generated_run.published), read_only=True) as connection:
        answers = connection.execute(
            "select interaction_id, question_id, answer from marts.fct_evaluation_answers"
            " where evaluation_type = 'auto'"
        ).df()
    machine = answers.pivot(index="interaction_id", columns="question_id", values="answer")
    joined = truth.set_index("interaction_id").join(machine.add_suffix("_machine"), how="left")
    assert len(joined) == len(truth) > 1000
    accuracy = {}
    for question, column in QUESTION_TRUTH.items():
        said = joined[f"{question}_machine"]
        if question == "empathy":
            expected = np.where(joined[column] >= 3, "4", "2")
        else:
            expected = joined[column].map({True: "yes", False: "no"}).fillna("na")
        accuracy[question] = float((said.to_numpy() == np.asarray(expected)).mean())
    assert {q: a for q, a in accuracy.items() if a < 0.95} == {}, accuracy

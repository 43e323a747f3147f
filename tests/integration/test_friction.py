"""Friction and emotion per interaction (int_turn_cues, int_interaction_friction).

Two landings in one pipeline run (the hand-computed scoring fixture's roster and forms, plus):
- tests/fixtures/care_dialogs/dialogs.yml: 62 labelled customer-care chat dialogs; the
  friction_score must separate dissatisfied from satisfied customers (AUC >= 0.85) better
  than the most negative customer turn alone.
- tests/fixtures/care_dialogs/flag_cases.yml: one hand-worked contact per flag, with the
  expected flags written below with their computation.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import FIXTURES, run_pipeline

pytestmark = pytest.mark.slow

CARE_DIALOGS = FIXTURES / "care_dialogs"
INTERACTION_COLUMNS = [
    "interaction_id", "channel", "direction", "queue", "contact_reason", "agent_id",
    "customer_id", "site", "started_at", "answered_at", "ended_at", "queue_seconds",
    "talk_seconds", "hold_seconds", "after_contact_work_seconds", "hold_count",
    "transfer_count", "abandoned", "resolved", "updated_at",
]  # fmt: skip


def mann_whitney_auc(scores: list[float], labels: list[int]) -> float:
    """AUC as the Mann-Whitney U statistic over n_pos x n_neg pairs (ties count one half):
    the chance that a random positive scores above a random negative."""
    positives = [score for score, label in zip(scores, labels, strict=True) if label == 1]
    negatives = [score for score, label in zip(scores, labels, strict=True) if label == 0]
    wins = sum(
        1.0 if positive > negative else 0.5 if positive == negative else 0.0
        for positive in positives
        for negative in negatives
    )
    return wins / (len(positives) * len(negatives))


def test_mann_whitney_auc_on_a_hand_worked_example():
    # pairs (pos, neg): (0.9,0.1) win, (0.9,0.5) win, (0.5,0.1) win, (0.5,0.5) tie -> 3.5 / 4
    assert mann_whitney_auc([0.9, 0.5, 0.1, 0.5], [1, 1, 0, 0]) == 0.875


def write_contacts(landing: Path, contacts: list[dict]) -> None:
    """Interactions and transcripts CSVs in the landing contract's columns."""
    (landing / "transcripts").mkdir(parents=True, exist_ok=True)
    with open(landing / "interactions" / "care_dialogs.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=INTERACTION_COLUMNS)
        writer.writeheader()
        for number, contact in enumerate(contacts):
            started = contact.get(
                "started_at", f"2026-06-02T{8 + number // 30:02d}:{number % 30 * 2:02d}:00Z"
            )
            writer.writerow({
                "interaction_id": contact["interaction_id"],
                "channel": contact.get("channel", "chat"), "direction": "inbound",
                "queue": "care", "contact_reason": "care", "agent_id": "A1",
                "customer_id": contact.get("customer_id", f"C_{contact['interaction_id']}"),
                "site": "North", "started_at": started, "answered_at": started,
                "ended_at": started, "queue_seconds": 0, "talk_seconds": 300,
                "hold_seconds": contact.get("hold_seconds", 0),
                "after_contact_work_seconds": 0, "hold_count": contact.get("hold_count", 0),
                "transfer_count": 0, "abandoned": "false", "resolved": "true", "updated_at": "",
            })  # fmt: skip
    with open(landing / "transcripts" / "care_dialogs.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["interaction_id", "turn_index", "speaker", "begin_offset_ms", "end_offset_ms", "text"]
        )
        for contact in contacts:
            for turn_index, (speaker, text, *offsets) in enumerate(contact["turns"]):
                begin, end = offsets if offsets else (None, None)
                writer.writerow([contact["interaction_id"], turn_index, speaker, begin, end, text])


@pytest.fixture(scope="module")
def dialogs() -> list[dict]:
    return yaml.safe_load((CARE_DIALOGS / "dialogs.yml").read_text())


@pytest.fixture(scope="module")
def friction_run(dialogs, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("friction")
    landing = workdir / "landing"
    shutil.copytree(FIXTURES / "scoring_landing", landing)
    flag_cases = yaml.safe_load((CARE_DIALOGS / "flag_cases.yml").read_text())
    dialog_contacts = [
        {"interaction_id": dialog["id"], "turns": dialog["turns"]} for dialog in dialogs
    ]
    write_contacts(landing, dialog_contacts + flag_cases)
    return run_pipeline(landing, workdir)


@pytest.fixture(scope="module")
def friction(friction_run) -> dict[str, dict]:
    with duckdb.connect(str(friction_run.published), read_only=True) as connection:
        cursor = connection.execute(
            """
            select friction.*, sentiment.customer_sentiment_min
            from intermediate.int_interaction_friction as friction
            left join intermediate.int_interaction_sentiment as sentiment
                using (interaction_id)
            """
        )
        names = [column[0] for column in cursor.description]
        table = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["interaction_id"]: row for row in table}


def test_friction_score_separates_dissatisfied_customers(dialogs, friction):
    labels = [dialog["label"] for dialog in dialogs]
    rows = [friction[dialog["id"]] for dialog in dialogs]
    friction_auc = mann_whitney_auc([row["friction_score"] for row in rows], labels)
    # The most negative customer turn: lower is more dissatisfied, so rank on its negative.
    sentiment_auc = mann_whitney_auc([-row["customer_sentiment_min"] for row in rows], labels)
    assert friction_auc >= 0.85
    assert friction_auc > sentiment_auc


def test_high_friction_flags_mostly_dissatisfied_dialogs(dialogs, friction):
    flagged = [dialog["label"] for dialog in dialogs if friction[dialog["id"]]["is_high_friction"]]
    assert flagged and sum(flagged) / len(flagged) >= 0.8


def test_escalation_request_is_flagged(friction):
    assert friction["F_ESCALATION"]["has_escalation_request"] is True
    assert friction["F_RESTATED"]["has_escalation_request"] is False


def test_customer_restating_a_turn_is_repetition(friction):
    # Content words (stop words my, but, the dropped): {parcel, tracking, number, shows,
    # delivered, never, came} (7) and {tracking, says, delivered, parcel, never, came} (6):
    # 5 shared, Jaccard 5 / (7 + 6 - 5) = 0.625 >= 0.6. No repetition phrase is said.
    restated = friction["F_RESTATED"]
    assert (restated["repetition_cues"], restated["restated_turn_pairs"]) == (0, 1)
    assert restated["has_repetition"] is True
    # The second customer turn shares no content word with the first: Jaccard 0.
    assert friction["F_DIFFERENT_TURNS"]["has_repetition"] is False


def test_dead_air_sums_the_voice_gaps_over_ten_seconds(friction):
    # Gaps: 9 000 -> 21 000 ms (12 s, counted), 30 000 -> 36 000 ms (6 s, not); the hold is
    # a system turn, not silence.
    dead_air = friction["F_DEAD_AIR"]
    assert dead_air["dead_air_seconds"] == pytest.approx(12.0)
    assert dead_air["has_dead_air"] is True
    # hold_seconds 60 <= 120 and the one hold lasts 60 s, not over 60 s.
    assert dead_air["has_long_hold"] is False
    assert friction["F_ESCALATION"]["dead_air_seconds"] is None
    assert friction["F_ESCALATION"]["has_dead_air"] is False


def test_one_hold_over_a_minute_is_a_long_hold(friction):
    # System hold turn 3 000 -> 78 000 ms = 75 s > 60 s, though hold_seconds 75 <= 120.
    assert friction["F_LONG_HOLD"]["longest_hold_seconds"] == pytest.approx(75.0)
    assert friction["F_LONG_HOLD"]["has_long_hold"] is True


def test_transfer_turn_is_a_transfer_without_a_transfer_count(friction):
    assert friction["F_TRANSFER_TURN"]["has_transfer"] is True
    assert friction["F_ESCALATION"]["has_transfer"] is False


def test_repeat_contact_within_seven_days(friction):
    # C_REPEAT: 06-01, 06-06 (5 days after), 06-20 (14 days after 06-06).
    expected = {
        "F_REPEAT_1": (False, True),
        "F_REPEAT_2": (True, False),
        "F_REPEAT_3": (False, False),
    }
    for interaction_id, (is_repeat, followed) in expected.items():
        row = friction[interaction_id]
        assert (row["is_repeat_contact"], row["has_repeat_within_7_days"]) == (is_repeat, followed)


def test_negative_last_customer_turn_is_a_negative_ending(friction):
    # "Your delivery was awful.": awful -2.0, compound -2 / sqrt(4 + 15) = -0.459 <= -0.05;
    # the first customer turn ("I love your shop") is positive.
    assert friction["F_NEGATIVE_ENDING"]["has_negative_ending"] is True
    assert friction["F_ESCALATION"]["has_negative_ending"] is False


def test_negated_cues_and_sarcastic_thanks_are_not_counted(friction):
    # "not frustrated and not angry": both negated; "Thanks for nothing.": anger, and its
    # "thanks" is not gratitude.
    negated = friction["F_NEGATED"]
    assert (negated["frustration_cues"], negated["anger_cues"], negated["gratitude_cues"]) == (
        0,
        1,
        0,
    )
    assert negated["has_satisfied_ending"] is False

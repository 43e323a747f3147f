"""Conversation intelligence recovers what the generator planted in the transcripts.

The truth is the generator's `ground_truth_interactions.parquet` (one row per handled
contact: the scorecard answers, the customer's ending, friction and emotion cues); the
warehouse side is what the pipeline computed from the transcripts alone.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from scipy.stats import mannwhitneyu

pytestmark = pytest.mark.slow

AGREEMENT = 0.95


@pytest.fixture(scope="module")
def interaction_truth(generated_landing) -> pd.DataFrame:
    document = json.loads((generated_landing / "ground_truth.json").read_text())
    return pd.read_parquet(generated_landing / document["interaction_truth"])


def table(warehouse, name: str) -> pd.DataFrame:
    return warehouse.execute(f"select * from {name}").df()


def test_customer_sentiment_at_the_end_separates_positive_from_negative_endings(
    warehouse, interaction_truth
):
    sentiment = table(warehouse, "intermediate.int_interaction_sentiment")
    joined = interaction_truth.merge(sentiment, on="interaction_id", validate="one_to_one")
    assert len(joined) == len(interaction_truth)  # every handled contact has a transcript
    positive = joined.loc[joined["customer_ending"] == "positive", "customer_sentiment_end"]
    negative = joined.loc[joined["customer_ending"] == "negative", "customer_sentiment_end"]
    # AUC = P(a positive ending scores above a negative one) = U / (n1 n0) (Mann-Whitney).
    auc = mannwhitneyu(positive, negative).statistic / (len(positive) * len(negative))
    assert auc >= 0.95


@pytest.mark.parametrize(
    ("truth_column", "warehouse_column"),
    [
        ("escalation_request", "has_escalation_request"),
        ("repetition", "has_repetition"),
        ("transfer", "has_transfer"),
        ("anger_cue", "anger_cues"),
        ("frustration_cue", "frustration_cues"),
        ("confusion_cue", "confusion_cues"),
        ("gratitude_cue", "gratitude_cues"),
    ],
)
def test_friction_and_emotion_flags_agree_with_the_planted_truth(
    warehouse, interaction_truth, truth_column, warehouse_column
):
    friction = table(warehouse, "intermediate.int_interaction_friction")
    joined = interaction_truth.merge(friction, on="interaction_id", validate="one_to_one")
    assert len(joined) == len(interaction_truth)
    found = joined[warehouse_column].fillna(0).astype(float) > 0  # flags, or cue counts
    agreement = (found == joined[truth_column].astype(bool)).mean()
    assert agreement >= AGREEMENT, f"{warehouse_column}: {agreement:.3f}"


def test_dead_air_is_found_on_the_voice_calls_that_have_it_and_nowhere_else(
    warehouse, interaction_truth
):
    friction = table(warehouse, "intermediate.int_interaction_friction").drop(columns="channel")
    joined = interaction_truth.merge(friction, on="interaction_id", validate="one_to_one")
    voice = joined[joined["channel"] == "voice"]
    agreement = (voice["has_dead_air"].fillna(False).astype(bool) == voice["dead_air"]).mean()
    assert agreement >= AGREEMENT
    assert not joined.loc[joined["channel"] != "voice", "has_dead_air"].fillna(False).any()


def test_machine_answers_recover_the_true_answer_of_every_question(warehouse, interaction_truth):
    """Per question, the machine's answer equals the truth on >= 95 % of contacts. Empathy:
    the transcript only shows whether the agent said an empathy line (true points >= 3), so
    the machine's points are compared as met (>= 3) or not."""
    answers = warehouse.execute(
        """
        select evaluations.interaction_id, answers.question_id, answers.answer
        from intermediate.int_auto_answers as answers
        inner join intermediate.int_auto_evaluations as evaluations
            using (evaluation_id, revision)
        """
    ).df()
    truth = interaction_truth.set_index("interaction_id")
    assert set(answers["interaction_id"]) == set(truth.index)

    def true_answer(row) -> str:
        if row.question_id == "empathy":
            return "met" if truth.at[row.interaction_id, "empathy_shown"] else "not_met"
        value = truth.at[row.interaction_id, row.question_id]
        return "na" if pd.isna(value) else ("yes" if value else "no")

    def given(row) -> str:
        if row.question_id == "empathy":
            return "met" if float(row.answer) >= 3 else "not_met"
        return row.answer

    answers["expected"] = [true_answer(row) for row in answers.itertuples()]
    answers["given"] = [given(row) for row in answers.itertuples()]
    accuracy = (answers["expected"] == answers["given"]).groupby(answers["question_id"]).mean()
    assert set(accuracy.index) >= {"greeting", "recording_disclosure", "closing"}
    assert (accuracy >= AGREEMENT).all(), accuracy.to_dict()

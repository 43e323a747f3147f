"""The generator's per-contact truth (`ground_truth_interactions.parquet`) says what the
transcripts really show: every flag is checked against the transcript text with phrase lists
written here, not the generator's own templates."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from orchestration.generate import generate_landing


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    out = tmp_path_factory.mktemp("truth_landing")
    generate_landing(out, seed=11, agents=24, days=42)
    return out


@pytest.fixture(scope="module")
def truth(landing) -> pd.DataFrame:
    document = json.loads((landing / "ground_truth.json").read_text())
    return pd.read_parquet(landing / document["interaction_truth"]).set_index("interaction_id")


@pytest.fixture(scope="module")
def turns(landing) -> pd.DataFrame:
    frame = pd.read_parquet(landing / "transcripts" / "transcripts_0001.parquet")
    frame = frame.astype({"turn_index": int, "begin_offset_ms": int, "end_offset_ms": int})
    frame = frame.sort_values(["interaction_id", "turn_index"]).reset_index(drop=True)
    return frame.assign(lower=frame["text"].str.lower())


@pytest.fixture(scope="module")
def contacts(landing) -> pd.DataFrame:
    frame = pd.read_csv(landing / "interactions" / "interactions_0001.csv", dtype=str)
    return frame[frame["abandoned"] == "false"].set_index("interaction_id")


def said(turns: pd.DataFrame, speaker: str, pattern: str) -> set[str]:
    """Contacts with a turn of `speaker` whose lower-cased text matches the regex."""
    spoken = turns[(turns["speaker"] == speaker) & turns["lower"].str.contains(pattern)]
    return set(spoken["interaction_id"])


def flagged(truth: pd.DataFrame, column: str) -> set[str]:
    return set(truth.index[truth[column].fillna(False).astype(bool)])


def test_truth_has_one_row_per_handled_contact_and_is_named_in_ground_truth(landing, truth):
    document = json.loads((landing / "ground_truth.json").read_text())
    assert document["interaction_truth"] == "ground_truth_interactions.parquet"
    assert "escalation_request" in document["interaction_truth_columns"]
    interactions = pd.read_csv(landing / "interactions" / "interactions_0001.csv", dtype=str)
    handled = interactions.loc[interactions["abandoned"] == "false", "interaction_id"]
    assert truth.index.is_unique
    assert sorted(truth.index) == sorted(handled)


def test_every_truth_flag_of_a_friction_or_emotion_matches_the_customer_turns(truth, turns):
    # Phrases a person would look for, per flag: customer turns only.
    phrases = {
        "escalation_request": r"manager|escalate|supervisor|someone more senior",
        "repetition": r"^(?:as i said|like i said|i'll say it again)",
        "anger_cue": r"furious|angry|livid|outrageous|ridiculous",
        "frustration_cue": r"frustrat|fed up|sick of|ridiculous|disappointed",
        "confusion_cue": r"confused|don't understand|not sure i follow",
        "gratitude_cue": r"thank|appreciate",
    }
    for column, pattern in phrases.items():
        expected = flagged(truth, column)
        assert expected, column  # every cue is planted somewhere in the sample
        assert said(turns, "customer", pattern) == expected, column


def test_a_repetition_restates_the_customers_opening_request(truth, turns):
    customer = turns[turns["speaker"] == "customer"]
    opener = customer.groupby("interaction_id")["lower"].first()
    repeated = customer[
        customer["lower"].str.contains(r"^(?:as i said|like i said|i'll say it again)")
    ]
    restated = repeated["lower"].str.replace(
        r"^(as i said, |like i said before, |i'll say it again: )", "", regex=True
    )
    for interaction_id, text in zip(repeated["interaction_id"], restated, strict=True):
        assert opener[interaction_id].startswith(text), interaction_id
    assert set(repeated["interaction_id"]) == flagged(truth, "repetition")


def test_transfers_are_system_turns_exactly_where_the_contact_was_transferred(
    truth, turns, contacts
):
    transferred = set(contacts.index[contacts["transfer_count"].astype(int) > 0])
    assert transferred
    assert flagged(truth, "transfer") == transferred
    assert said(turns, "system", r"^\[transferred to ") == transferred
    # An escalation that is transferred goes to a supervisor.
    to_supervisor = said(turns, "system", r"transferred to a supervisor")
    assert to_supervisor == transferred & flagged(truth, "escalation_request")


def test_offsets_are_ordered_and_dead_air_is_only_in_flagged_voice_calls(truth, turns):
    previous_end = turns.groupby("interaction_id")["end_offset_ms"].shift()
    gap_seconds = (turns["begin_offset_ms"] - previous_end) / 1000
    assert (turns["end_offset_ms"] >= turns["begin_offset_ms"]).all()
    assert (gap_seconds.dropna() > 0).all()  # no overlapping turns
    assert (turns.groupby("interaction_id")["turn_index"].apply(
        lambda index: list(index) == list(range(len(index))))).all()  # fmt: skip
    voice = truth.index[truth["channel"] == "voice"]
    longest_gap = gap_seconds.groupby(turns["interaction_id"]).max().reindex(voice)
    dead_air = truth.loc[voice, "dead_air"].astype(bool)
    assert dead_air.any() and not dead_air.all()
    assert (longest_gap[dead_air.to_numpy()] >= 10).all()
    assert (longest_gap[~dead_air.to_numpy()] < 2).all()  # ordinary pauses in a call
    assert longest_gap[dead_air.to_numpy()].to_numpy() == pytest.approx(
        truth.loc[voice, "dead_air_seconds"][dead_air].to_numpy(), abs=0.001
    )
    not_voice = truth[truth["channel"] != "voice"]
    assert not_voice["dead_air"].isna().all() and not_voice["recording_disclosure"].isna().all()


def luhn_valid(number: str) -> bool:
    """The Luhn check: double every second digit from the right, sum the digits."""
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


WORD_DIGITS = {"oh": "0", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4",
               "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}  # fmt: skip


def test_spoken_card_numbers_are_luhn_valid_and_only_in_flagged_voice_calls(truth, turns):
    word = "(?:" + "|".join(WORD_DIGITS) + ")"
    spoken = re.compile(rf"\b{word}(?: {word}){{12,18}}\b")
    numbers = {}
    for interaction_id, text in turns.loc[turns["speaker"] == "customer", ["interaction_id", "lower"]].itertuples(index=False):  # fmt: skip
        if match := spoken.search(text):
            numbers[interaction_id] = "".join(WORD_DIGITS[w] for w in match.group().split())
    assert numbers
    assert set(numbers) == flagged(truth, "spoken_card")
    assert (truth.loc[list(numbers), "channel"] == "voice").all()
    assert all(len(number) == 16 and luhn_valid(number) for number in numbers.values())
    assert luhn_valid("4539148803436467") and not luhn_valid("4539148803436468")


def test_pii_turns_counts_every_turn_with_written_or_spoken_personal_data(landing, truth, turns):
    written = turns["text"].str.contains(r"\d{4} \d{4} \d{4} \d{4}|@example\.com|07700 900")
    spoken_card = turns["interaction_id"].isin(flagged(truth, "spoken_card")) & turns[
        "lower"
    ].str.contains(r"(?:(?:oh|zero|one|two|three|four|five|six|seven|eight|nine) ){12}")
    pii_turns = json.loads((landing / "ground_truth.json").read_text())["pii_turns"]
    assert pii_turns == int(written.sum() + spoken_card.sum()) == truth["personal_data_turns"].sum()


def test_scorecard_truth_matches_the_agents_lines(truth, turns):
    agent_phrases = {
        "greeting": r"my name is",
        "recording_disclosure": r"may be recorded",
        "identity_check": r"confirm your",
        "empathy_shown": r"i'm really sorry|i completely understand",
        "hold_permission": r"may i place you on hold",
        "resolution_check": r"anything else i can help you with",
        "closing": r"have a great day|take care",
    }
    for column, pattern in agent_phrases.items():
        assert said(turns, "agent", pattern) == flagged(truth, column), column
    rude = said(turns, "agent", r"wasting my time")
    assert rude == set(truth.index[~truth["professionalism"]])
    held = said(turns, "system", r"placed on hold")
    assert held == set(truth.index[truth["hold_permission"].notna()])
    assert truth.loc[truth["empathy_shown"], "empathy"].min() >= 3
    assert truth.loc[~truth["empathy_shown"], "empathy"].max() <= 2


def test_the_customers_last_turn_has_the_sentiment_of_the_ending(truth, turns):
    # VADER (the vaderSentiment package) as the reference reader of the last customer turn.
    analyzer = SentimentIntensityAnalyzer()
    last = turns[turns["speaker"] == "customer"].groupby("interaction_id")["text"].last()
    compound = {text: analyzer.polarity_scores(text)["compound"] for text in set(last)}
    sign = last.map(compound).reindex(truth.index)
    assert ((sign > 0) == (truth["customer_ending"] == "positive")).all()
    assert ((sign < 0) == (truth["customer_ending"] == "negative")).all()


def test_friction_is_more_common_where_the_contact_went_wrong_and_csat_is_lower(
    landing, truth, contacts
):
    unresolved = contacts["resolved"] == "false"
    friction = truth[["escalation_request", "repetition", "transfer"]].any(axis=1)
    friction = friction.reindex(contacts.index)
    assert friction[unresolved].mean() > 2 * friction[~unresolved].mean()
    surveys = pd.read_json(landing / "csat_surveys" / "csat_surveys_0001.jsonl", lines=True)
    csat = surveys.dropna(subset=["csat"]).set_index("interaction_id")["csat"]
    escalated = truth["escalation_request"].reindex(csat.index)
    # An escalation does not move CSAT itself (surveys.CSAT_DRIVERS); it comes with what does
    # (an unresolved contact: 1.1 points, a rude agent: 1.8), so CSAT is clearly lower:
    # 0.48 to 0.76 points over seeds 1-5 and 11 of this sample size.
    assert csat[escalated].mean() < csat[~escalated].mean() - 0.3


def test_exact_evaluators_answer_as_the_truth_says_and_biased_ones_lean_one_way(landing, truth):
    """Every evaluator of leniency 0 (the QA lead Q01 among them) and every disputed re-score
    answers with the truth; the one lenient evaluator only ever marks up (a missed behaviour
    `yes`, empathy a point more), the one harsh evaluator only down, and neither touches an
    auto-fail (form-critical) question."""
    document = json.loads((landing / "ground_truth.json").read_text())
    leniency = document["evaluator_leniency"]
    assert document["lenient_evaluators"] == [name for name, v in leniency.items() if v > 0]
    assert document["harsh_evaluators"] == [name for name, v in leniency.items() if v < 0]
    assert len(document["lenient_evaluators"]) == len(document["harsh_evaluators"]) == 1
    headers = pd.read_csv(landing / "evaluations" / "evaluations_0001.csv", dtype=str)
    answers = pd.read_csv(
        landing / "evaluation_answers" / "evaluation_answers_0001.csv", dtype=str
    ).merge(headers, on=["evaluation_id", "revision"])

    def as_answer(value) -> str:
        if pd.isna(value):
            return "na"
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        return str(int(value))

    answers["true_answer"] = [
        as_answer(truth.at[interaction_id, question])
        for interaction_id, question in zip(
            answers["interaction_id"], answers["question_id"], strict=True
        )
    ]
    # the questions whose `no` fails the whole evaluation, as the landed forms declare them
    auto_fail = {
        question["question_id"]
        for path in (landing / "forms").glob("*.yml")
        for section in yaml.safe_load(path.read_text())["sections"]
        for question in section["questions"]
        if question["critical"] == "form"
    }
    assert auto_fail
    re_scored = answers["revision"] == "2"
    exact = answers[answers["evaluator_id"].map(leniency).eq(0) | re_scored]
    assert exact["evaluator_id"].nunique() == len(leniency) - 2 and len(exact) > 1000
    assert exact["answer"].tolist() == exact["true_answer"].tolist()

    order = {"no": 0, "yes": 1, **{str(points): points for points in range(5)}}
    for name, sign in (
        (document["lenient_evaluators"][0], 1),
        (document["harsh_evaluators"][0], -1),
    ):
        own = answers[(answers["evaluator_id"] == name) & ~re_scored]
        changed = own[own["answer"] != own["true_answer"]]
        assert len(changed) >= 20, name  # the bias shows
        assert (changed["true_answer"] != "na").all() and (changed["answer"] != "na").all()
        assert not changed["question_id"].isin(auto_fail).any()
        step = changed["answer"].map(order) - changed["true_answer"].map(order)
        assert (np.sign(step) == sign).all(), name

"""`auto` rules are checked when a form is ingested: a bad rule quarantines the whole form file
with reason invalid_auto_rule and a message naming the question and the key; a good rule is
stored normalised (every key spelled out) in raw.form_questions.auto_rule."""

from __future__ import annotations

import json

import duckdb
import pytest
import yaml

from orchestration.ingest import ingest_export
from orchestration.ingest.auto_rules import AUTO_RULE_MEASURES
from orchestration.ingest.yaml_exports import ContractError, parse_form


def form(**rules: dict) -> dict:
    """A form with a yes/no question `yn` (na allowed), a yes/no question `strict` (na not
    allowed) and a scale question `scale` (0..4), each with the rule given for it."""
    questions = [
        {"question_id": "yn", "type": "yes_no", "na_allowed": True},
        {"question_id": "strict", "type": "yes_no", "na_allowed": False},
        {"question_id": "scale", "type": "scale", "max_points": 4},
    ]
    for question in questions:
        if question["question_id"] in rules:
            question["auto"] = rules[question["question_id"]]
    return {
        "form_id": "f",
        "version": 1,
        "effective_from": "2026-01-01",
        "sections": [{"section_id": "s", "weight": 1, "questions": questions}],
    }


def stored_rules(document: dict) -> dict:
    _, questions = parse_form(document)
    return {
        question["question_id"]: json.loads(question["auto_rule"])
        for question in questions
        if question["auto_rule"] is not None
    }


# (question, rule, the words the message must carry: "<question>: auto.<key>: ...")
BAD_RULES = {
    "unknown_key": ("yn", {"any_phrase": ["hi"], "phrases": ["hi"]}, "yn: auto.phrases:"),
    "unknown_speaker": ("yn", {"speaker": "bot", "any_phrase": ["hi"]}, "yn: auto.speaker:"),
    "empty_phrases": ("yn", {"any_phrase": []}, "yn: auto.any_phrase:"),
    "phrase_not_text": ("yn", {"any_phrase": ["hi", 3]}, "yn: auto.any_phrase:"),
    "phrase_only_punctuation": ("yn", {"any_phrase": ["?!"]}, "yn: auto.any_phrase:"),
    "turns_not_positive": ("yn", {"any_phrase": ["hi"], "within_turns": 0}, "yn: auto.within_turns:"),
    "seconds_not_integer": ("yn", {"any_phrase": ["hi"], "within_seconds": "30s"}, "yn: auto.within_seconds:"),
    "absent_not_boolean": ("yn", {"any_phrase": ["hi"], "absent": "yes"}, "yn: auto.absent:"),
    "event_without_phrases": ("yn", {"any_phrase": ["hi"], "before": {"speaker": "system"}}, "yn: auto.before.any_phrase:"),
    "event_unknown_key": ("yn", {"any_phrase": ["hi"], "after": {"any_phrase": ["x"], "within_turns": 2}}, "yn: auto.after.within_turns:"),
    "event_bad_speaker": ("yn", {"any_phrase": ["hi"], "before_each": {"speaker": "robot", "any_phrase": ["hold"]}}, "yn: auto.before_each.speaker:"),
    "unknown_measure": ("yn", {"require": {"hold_minutes": "<= 2"}}, "yn: auto.require.hold_minutes:"),
    "condition_not_parseable": ("yn", {"require": {"hold_seconds": "about 120"}}, "yn: auto.require.hold_seconds:"),
    "condition_operator_unknown": ("yn", {"require": {"hold_seconds": "=< 120"}}, "yn: auto.require.hold_seconds:"),
    "condition_operand_not_number": ("yn", {"require": {"hold_seconds": "<= lots"}}, "yn: auto.require.hold_seconds:"),
    "condition_boolean_on_number": ("yn", {"require": {"hold_seconds": "== true"}}, "yn: auto.require.hold_seconds:"),
    "condition_order_on_text": ("yn", {"any_phrase": ["hi"], "applies_when": {"channel": "> voice"}}, "yn: auto.applies_when.channel:"),
    "condition_empty_list": ("yn", {"any_phrase": ["hi"], "applies_when": {"channel": []}}, "yn: auto.applies_when.channel:"),
    "conditions_not_mapping": ("yn", {"require": ["hold_seconds <= 120"]}, "yn: auto.require:"),
    "applies_when_without_na": ("strict", {"any_phrase": ["hi"], "applies_when": {"channel": ["voice"]}}, "strict: auto.applies_when:"),
    "before_each_without_na": ("strict", {"any_phrase": ["may i"], "before_each": {"any_phrase": ["on hold"]}}, "strict: auto.before_each:"),
    "points_on_yes_no": ("yn", {"any_phrase": ["hi"], "points": {"met": 1}}, "yn: auto.points:"),
    "points_above_max": ("scale", {"any_phrase": ["sorry"], "points": {"met": 5}}, "scale: auto.points.met:"),
    "points_negative": ("scale", {"any_phrase": ["sorry"], "points": {"not_met": -1}}, "scale: auto.points.not_met:"),
    "no_test": ("yn", {"speaker": "agent"}, "yn: auto:"),
    "window_without_phrases": ("yn", {"require": {"hold_count": "> 0"}, "within_turns": 3}, "yn: auto.within_turns:"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_RULES))
def test_bad_rule_is_refused_naming_question_and_key(case):
    question, rule, words = BAD_RULES[case]
    with pytest.raises(ContractError) as refused:
        parse_form(form(**{question: rule}))
    assert refused.value.reason == "invalid_auto_rule"
    assert refused.value.detail.startswith(words), refused.value.detail


def test_a_bad_rule_quarantines_the_whole_form_file(tmp_path):
    document = form(
        yn={"any_phrase": ["hi"]}, scale={"any_phrase": ["sorry"], "points": {"met": 9}}
    )
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "f.yml").write_text(yaml.safe_dump(document))
    with duckdb.connect() as connection:
        ingest_export(connection, "forms", tmp_path)
        quarantined = connection.execute(
            "select source_row, reason, detail from raw.quarantine"
        ).fetchall()
        loaded = connection.execute("select count(*) from raw.form_questions").fetchall()
    assert quarantined == [(None, "invalid_auto_rule", quarantined[0][2])]
    assert quarantined[0][2].startswith("scale: auto.points.met: must be within 0..4")
    assert loaded == [(0,)]  # the good question `yn` is not loaded either


def test_good_rule_is_stored_with_every_key_spelled_out():
    rules = stored_rules(
        form(
            yn={
                "any_phrase": "may I place you on hold",
                "before_each": {"speaker": "system", "any_phrase": ["placed on hold"]},
                "applies_when": {"channel": ["voice", "chat"], "hold_count": "> 0"},
                "require": {"hold_seconds": "<= 120", "has_transfer": "== false",
                            "is_resolved": True, "queue": "== billing"},
            },
            scale={"any_phrase": ["sorry"], "within_turns": 6, "within_seconds": 90},
        )
    )  # fmt: skip
    assert rules["yn"] == {
        "speaker": "agent",  # the default
        "any_phrase": ["may I place you on hold"],  # one phrase becomes a list
        "absent": False,
        "within_turns": None,
        "within_seconds": None,
        "before": None,
        "after": None,
        "before_each": {"speaker": "system", "any_phrase": ["placed on hold"]},
        "applies_when": [
            {"measure": "channel", "operator": "in", "number": None, "values": ["voice", "chat"],
             "numbers": None, "text": "in voice, chat"},
            {"measure": "hold_count", "operator": ">", "number": 0.0, "values": None,
             "numbers": None, "text": "> 0"},
        ],
        "require": [
            {"measure": "hold_seconds", "operator": "<=", "number": 120.0, "values": None,
             "numbers": None, "text": "<= 120"},
            {"measure": "has_transfer", "operator": "==", "number": 0.0, "values": None,
             "numbers": None, "text": "== false"},
            {"measure": "is_resolved", "operator": "==", "number": 1.0, "values": None,
             "numbers": None, "text": "== true"},
            {"measure": "queue", "operator": "in", "number": None, "values": ["billing"],
             "numbers": None, "text": "== billing"},
        ],
        "points": None,
    }  # fmt: skip
    # a scale question's points default to max_points when met and 0 when not
    assert rules["scale"]["points"] == {"met": 4, "not_met": 0}
    assert (rules["scale"]["within_turns"], rules["scale"]["within_seconds"]) == (6, 90)


def test_event_speaker_defaults_to_any_and_require_alone_is_a_rule():
    rules = stored_rules(
        form(
            yn={"any_phrase": ["thanks"], "after": {"any_phrase": ["sorted"]}},
            strict={"require": {"customer_sentiment_end": ">= 0", "hold_count": [0, 1]}},
        )
    )
    assert rules["yn"]["after"] == {"speaker": "any", "any_phrase": ["sorted"]}
    assert rules["strict"]["any_phrase"] is None
    assert [c["operator"] for c in rules["strict"]["require"]] == [">=", "in"]
    assert rules["strict"]["require"][1]["numbers"] == [0.0, 1.0]


def test_generated_forms_rules_pass_the_check():
    import datetime as dt

    from orchestration.generate.forms import AUTO_RULES, form_document

    for version in (1, 2):
        assert set(stored_rules(form_document(version, dt.date(2026, 1, 1)))) == set(AUTO_RULES)


def test_measures_named_in_design_are_allowed():
    """The interaction columns and the sentiment and friction columns the design names
    (/tmp/issue18/design.md, interfaces 2 and 3), written out here independently."""
    sentiment = ("customer_sentiment_start customer_sentiment_end customer_sentiment_min"
                 " customer_sentiment_mean customer_sentiment_change agent_sentiment_mean"
                 " customer_turns_count").split()  # fmt: skip
    friction = ("has_escalation_request has_repetition has_long_hold has_transfer"
                " dead_air_seconds has_dead_air is_repeat_contact has_negative_ending anger_cues"
                " frustration_cues confusion_cues gratitude_cues friction_score"
                " is_high_friction").split()  # fmt: skip
    interaction = ("channel queue contact_reason direction talk_seconds hold_seconds"
                   " hold_count transfer_count handle_seconds").split()  # fmt: skip
    assert set(sentiment + friction + interaction) <= set(AUTO_RULE_MEASURES)

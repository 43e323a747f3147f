"""The `auto` rule of a form question (machine scoring from transcripts), checked and normalised.

A rule is landed data: dbt evaluates it generically (int_auto_rules, int_auto_answers), so
whatever reaches raw.form_questions.auto_rule must already be well formed. A rule with an
unknown key, a wrong type or an unknown measure raises AutoRuleError naming the key; the form
loader turns it into the quarantine reason `invalid_auto_rule` for the whole form file.

The normalised rule (stored as JSON) spells every key out:

    {"speaker": "agent", "any_phrase": [...] | null, "absent": false,
     "within_turns": 3 | null, "within_seconds": 30 | null,
     "before": {"speaker": ..., "any_phrase": [...]} | null, "after": ..., "before_each": ...,
     "applies_when": [condition, ...], "require": [condition, ...],
     "points": {"met": 4, "not_met": 0} | null}

    condition = {"measure": "hold_seconds", "operator": "<=", "number": 120, "values": null,
                 "numbers": null, "text": "<= 120"}
      operator "in": the measure's value must be one of `values` (text measures) or `numbers`.
"""

from __future__ import annotations

import re
from typing import Any

# The measures a condition (applies_when, require) may name, and their kind: the columns of
# intermediate.int_interaction_measures, which unpivots the interaction's columns and those
# of int_interaction_sentiment and int_interaction_friction. This is the one list: the
# model's measures are checked against it (tests/unit/test_auto_rules.py).
# Booleans are numbers 1/0 in the model and are compared with true/false.
AUTO_RULE_MEASURES: dict[str, str] = {
    # the interaction (stg_interactions, handle time as fct_interactions defines it)
    "channel": "text",
    "direction": "text",
    "queue": "text",
    "contact_reason": "text",
    "site": "text",
    "queue_seconds": "number",
    "talk_seconds": "number",
    "hold_seconds": "number",
    "after_contact_work_seconds": "number",
    "handle_seconds": "number",
    "hold_count": "number",
    "transfer_count": "number",
    "is_resolved": "boolean",
    # the transcript
    "turns_count": "number",
    # int_interaction_sentiment
    "customer_sentiment_start": "number",
    "customer_sentiment_end": "number",
    "customer_sentiment_min": "number",
    "customer_sentiment_mean": "number",
    "customer_sentiment_change": "number",
    "agent_sentiment_mean": "number",
    "customer_turns_count": "number",
    # int_interaction_friction
    "has_escalation_request": "boolean",
    "has_repetition": "boolean",
    "has_long_hold": "boolean",
    "has_transfer": "boolean",
    "dead_air_seconds": "number",
    "has_dead_air": "boolean",
    "is_repeat_contact": "boolean",
    "has_negative_ending": "boolean",
    "anger_cues": "number",
    "frustration_cues": "number",
    "confusion_cues": "number",
    "gratitude_cues": "number",
    "friction_score": "number",
    "is_high_friction": "boolean",
}

SPEAKERS = ("agent", "customer", "system", "any")
RULE_KEYS = (
    "speaker",
    "any_phrase",
    "absent",
    "within_turns",
    "within_seconds",
    "before",
    "after",
    "before_each",
    "applies_when",
    "require",
    "points",
)
EVENT_KEYS = ("speaker", "any_phrase")
OPERATORS = ("<=", ">=", "==", "!=", "<", ">")
_CONDITION = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*(\S.*?)\s*$")


class AutoRuleError(ValueError):
    """A broken rule; the message starts with the key path inside `auto`."""


def _fail(key: str, message: str) -> AutoRuleError:
    return AutoRuleError(f"auto.{key}: {message}")


def _speaker(value: Any, key: str) -> str:
    if value not in SPEAKERS:
        raise _fail(key, f"must be one of {', '.join(SPEAKERS)}; got {value!r}")
    return value


def _phrases(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _fail(key, "must be a non-empty list of phrases")
    phrases = []
    for phrase in value:
        if not isinstance(phrase, str) or not re.search(r"[a-z0-9]", phrase.lower()):
            raise _fail(key, f"every phrase must be text with a letter or digit; got {phrase!r}")
        phrases.append(phrase.strip())
    return phrases


def _positive_integer(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(key, f"must be a positive integer; got {value!r}")
    return value


def _event(value: Any, key: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(key, "must be a mapping with speaker and any_phrase")
    unknown = sorted(set(value) - set(EVENT_KEYS))
    if unknown:
        raise _fail(f"{key}.{unknown[0]}", f"unknown key; an event has {', '.join(EVENT_KEYS)}")
    if "any_phrase" not in value:
        raise _fail(f"{key}.any_phrase", "is required")
    return {
        "speaker": _speaker(value.get("speaker", "any"), f"{key}.speaker"),
        "any_phrase": _phrases(value["any_phrase"], f"{key}.any_phrase"),
    }


def _number_operand(text: str, kind: str, key: str) -> float:
    lowered = text.lower()
    if lowered in ("true", "false"):
        if kind != "boolean":
            raise _fail(key, f"true/false compares a yes/no measure, not a {kind} one")
        return 1.0 if lowered == "true" else 0.0
    try:
        return float(text)
    except ValueError:
        raise _fail(key, f"{text!r} is not a number or true/false") from None


def _condition(measure: Any, value: Any, key: str) -> dict:
    """One condition on a measure: an operator and a number/true/false, or allowed values."""
    where = f"{key}.{measure}"
    if measure not in AUTO_RULE_MEASURES:
        raise _fail(where, "unknown measure; see the measures in the README")
    kind = AUTO_RULE_MEASURES[measure]
    condition = {"measure": measure, "operator": None, "number": None, "values": None,
                 "numbers": None, "text": None}  # fmt: skip
    if isinstance(value, str) and _CONDITION.match(value):
        operator, operand = _CONDITION.match(value).groups()
        if kind == "text":
            if operator not in ("==", "!="):
                raise _fail(where, f"{measure} is text: use == / != or a list of values")
            condition.update(operator="in" if operator == "==" else "not in", values=[operand])
        else:
            condition.update(operator=operator, number=_number_operand(operand, kind, where))
        condition["text"] = f"{operator} {operand}"
        return condition
    if isinstance(value, bool) or isinstance(value, (int, float)) and kind != "text":
        number = _number_operand(str(value).lower(), kind, where)
        condition.update(operator="==", number=number, text=f"== {str(value).lower()}")
        return condition
    allowed = value if isinstance(value, list) else [value]
    if not allowed or any(isinstance(item, (dict, list)) or item is None for item in allowed):
        raise _fail(
            where,
            "must be a condition such as '<= 120', '== true' or a non-empty list of values;"
            f" got {value!r}",
        )
    if kind == "text":
        condition.update(operator="in", values=[str(item) for item in allowed])
    else:
        numbers = [_number_operand(str(item).lower(), kind, where) for item in allowed]
        condition.update(operator="in", numbers=numbers)
    condition["text"] = "in " + ", ".join(str(item) for item in allowed)
    return condition


def _conditions(value: Any, key: str) -> list[dict]:
    if not isinstance(value, dict) or not value:
        raise _fail(key, "must be a non-empty mapping of measure: condition")
    return [_condition(measure, item, key) for measure, item in value.items()]


def _points(value: Any, question_type: str, max_points: float) -> dict:
    if question_type != "scale":
        raise _fail("points", "only a scale question takes points; yes_no answers yes or no")
    if not isinstance(value, dict):
        raise _fail("points", "must be a mapping with met and not_met")
    unknown = sorted(set(value) - {"met", "not_met"})
    if unknown:
        raise _fail(f"points.{unknown[0]}", "unknown key; points has met and not_met")
    points = {"met": value.get("met", max_points), "not_met": value.get("not_met", 0)}
    for name, number in points.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise _fail(f"points.{name}", f"must be a number; got {number!r}")
        if not 0 <= number <= max_points:
            raise _fail(f"points.{name}", f"must be within 0..{max_points:g}; got {number:g}")
    return {name: int(number) if float(number).is_integer() else number
            for name, number in points.items()}  # fmt: skip


def normalise_auto_rule(rule: Any, question_type: str, max_points: float, na_allowed: bool) -> dict:
    """Check one question's `auto` mapping and return it with every key spelled out."""
    if not isinstance(rule, dict) or not rule:
        raise AutoRuleError("auto: must be a non-empty mapping")
    unknown = sorted(set(rule) - set(RULE_KEYS))
    if unknown:
        raise _fail(unknown[0], f"unknown key; a rule has {', '.join(RULE_KEYS)}")
    if "any_phrase" not in rule and "require" not in rule:
        raise AutoRuleError("auto: needs any_phrase, require or both")
    phrase_keys = ("absent", "within_turns", "within_seconds", "before", "after", "before_each")
    for key in phrase_keys:
        if key in rule and "any_phrase" not in rule:
            raise _fail(key, "only applies to a phrase test: add any_phrase")
    for key in ("applies_when", "before_each"):
        if key in rule and not na_allowed:
            raise _fail(key, "can answer na, so the question needs na_allowed: true")
    absent = rule.get("absent", False)
    if not isinstance(absent, bool):
        raise _fail("absent", f"must be true or false; got {absent!r}")
    if absent and "before_each" in rule:
        raise _fail("before_each", "cannot be combined with absent: true")
    normalised = {
        "speaker": _speaker(rule.get("speaker", "agent"), "speaker"),
        "any_phrase": _phrases(rule["any_phrase"], "any_phrase") if "any_phrase" in rule else None,
        "absent": absent,
    }
    for key in ("within_turns", "within_seconds"):
        normalised[key] = _positive_integer(rule[key], key) if key in rule else None
    for key in ("before", "after", "before_each"):
        normalised[key] = _event(rule[key], key) if key in rule else None
    for key in ("applies_when", "require"):
        normalised[key] = _conditions(rule[key], key) if key in rule else []
    if "points" in rule:
        normalised["points"] = _points(rule["points"], question_type, max_points)
    elif question_type == "scale":
        normalised["points"] = _points({}, question_type, max_points)
    else:
        normalised["points"] = None
    return normalised

"""The customer_service scorecard (two versions) and the quality targets of the sample centre.

Recording disclosure is a voice obligation: on chat and email it is answered `na`, which the
form allows. Hold permission is `na` when the contact had no hold.
"""

from __future__ import annotations

import datetime as dt

import yaml

QUESTIONS = {
    "greeting": ("Agent greeted the customer and gave their name", "yes_no", 1, "none", False),
    "recording_disclosure": ("Agent stated the call may be recorded", "yes_no", 1, "form", True),
    "identity_check": ("Agent verified the customer's identity", "yes_no", 1, "section", False),
    "empathy": ("Agent acknowledged the customer's situation (0-4)", "scale", 4, "none", False),
    "professionalism": ("Agent stayed courteous and professional", "yes_no", 1, "form", False),
    "hold_permission": ("Agent asked permission before a hold", "yes_no", 1, "none", True),
    "resolution_check": ("Agent checked the issue was resolved", "yes_no", 1, "none", False),
    "closing": ("Agent closed the contact properly", "yes_no", 1, "none", False),
}

# Machine-scoring rules (README: "Machine scoring"). Phrases are what a centre would list,
# not only the sentences the generator's transcripts use (orchestration/generate/transcripts.py).
AUTO_RULES = {
    # The agent's first words; "thanks for calling" also ends calls, hence within_turns.
    "greeting": {
        "speaker": "agent",
        "within_turns": 2,
        "any_phrase": [
            "my name is", "thank you for contacting", "thanks for contacting",
            "thank you for calling", "thanks for calling", "you're speaking with",
            "you are speaking with", "welcome to",
        ],
    },
    "recording_disclosure": {
        "speaker": "agent",
        "within_turns": 4,
        "any_phrase": [
            "may be recorded", "is being recorded", "will be recorded", "is recorded",
            "may be monitored", "recorded for quality", "recorded for training",
        ],
        "applies_when": {"channel": ["voice"]},
    },
    "identity_check": {
        "speaker": "agent",
        "any_phrase": [
            "confirm your", "verify your", "date of birth", "security question",
            "first line of your address", "security check", "passcode",
        ],
    },
    # The generator says an empathy line when the true empathy is 3 or more (of 4): 4 and 2
    # are the likeliest points on either side.
    "empathy": {
        "speaker": "agent",
        "any_phrase": [
            "i understand", "completely understand", "i'm sorry", "i am sorry",
            "really sorry", "sorry to hear", "sorry about that", "i apologise", "i apologize",
            "how frustrating", "i can imagine", "i can see why",
        ],
        "points": {"met": 4, "not_met": 2},
    },
    "professionalism": {
        "speaker": "agent",
        "absent": True,
        "any_phrase": [
            "stop wasting my time", "i already told you", "not my problem", "calm down",
            "shut up", "i don't care", "you people", "that's your problem",
        ],
    },
    # Asked before every hold; no hold in the transcript: na.
    "hold_permission": {
        "speaker": "agent",
        "any_phrase": [
            "may i place you on hold", "can i place you on hold", "may i put you on hold",
            "can i put you on hold", "is it ok if i put you on hold",
            "is it okay if i put you on hold", "do you mind if i put you on hold",
            "do you mind holding", "would you mind holding", "mind if i place you on hold",
        ],
        "before_each": {
            "speaker": "system",
            "any_phrase": ["placed on hold", "put on hold", "hold started"],
        },
    },
    "resolution_check": {
        "speaker": "agent",
        "any_phrase": [
            "is there anything else", "anything else i can help", "anything else i can do",
            "fully resolved", "has that resolved", "has that solved", "does that solve",
            "is that everything",
        ],
    },
    "closing": {
        "speaker": "agent",
        "any_phrase": [
            "have a great day", "have a good day", "have a nice day", "have a lovely day",
            "take care", "goodbye", "thanks for contacting", "thank you for your time",
            "enjoy the rest of your day",
        ],
    },
}  # fmt: skip

# (section_id, section weight, [(question_id, question weight)]) per form version.
LAYOUTS = {
    1: [
        ("opening", 15, [("greeting", 1), ("recording_disclosure", 1)]),
        ("compliance", 25, [("identity_check", 1)]),
        ("soft_skills", 35, [("empathy", 2), ("professionalism", 1), ("hold_permission", 1)]),
        ("resolution", 25, [("resolution_check", 1), ("closing", 1)]),
    ],
    # v2 puts more weight on how the customer was treated and less on the closing script.
    2: [
        ("opening", 15, [("greeting", 1), ("recording_disclosure", 1)]),
        ("compliance", 25, [("identity_check", 1)]),
        ("soft_skills", 40, [("empathy", 3), ("professionalism", 1), ("hold_permission", 1)]),
        ("resolution", 20, [("resolution_check", 2), ("closing", 1)]),
    ],
}
FORM_ID = "customer_service"


def form_document(version: int, effective_from: dt.date) -> dict:
    sections = []
    for section_id, weight, questions in LAYOUTS[version]:
        items = []
        for question_id, question_weight in questions:
            text, kind, max_points, critical, na_allowed = QUESTIONS[question_id]
            item = {
                "question_id": question_id,
                "text": text,
                "type": kind,
                "max_points": max_points,
                "weight": question_weight,
                "critical": critical,
                "na_allowed": na_allowed,
            }
            if question_id in AUTO_RULES:
                item["auto"] = AUTO_RULES[question_id]
            items.append(item)
        sections.append({"section_id": section_id, "weight": weight, "questions": items})
    return {
        "form_id": FORM_ID,
        "name": "Customer service scorecard",
        "version": version,
        "effective_from": effective_from.isoformat(),
        "sections": sections,
    }


def form_yaml(version: int, effective_from: dt.date) -> str:
    return yaml.safe_dump(form_document(version, effective_from), sort_keys=False)


def questions_of(version: int) -> list[str]:
    return [question for _, _, questions in LAYOUTS[version] for question, _ in questions]


def targets_yaml(start: dt.date, team_ids: list[str], sites: list[str]) -> str:
    since = start.replace(day=1).isoformat()
    targets = [
        {"metric": "qa_score", "segment": "all", "target": 85, "direction": "higher"},
        {"metric": "critical_fail_rate", "segment": "all", "target": 0.08, "direction": "lower"},
        {"metric": "csat_satisfied_rate", "segment": "all", "target": 0.75, "direction": "higher"},
        {"metric": "handle_seconds", "segment": "all", "target": 480, "direction": "lower"},
        {"metric": "abandonment_rate", "segment": "all", "target": 0.06, "direction": "lower"},
        {"metric": "qa_score", "segment": f"team:{team_ids[0]}", "target": 88, "direction": "higher"},
        {"metric": "handle_seconds", "segment": f"site:{sites[-1]}", "target": 540, "direction": "lower"},
    ]  # fmt: skip
    for target in targets:
        target["effective_from"] = since
    return yaml.safe_dump(targets, sort_keys=False)

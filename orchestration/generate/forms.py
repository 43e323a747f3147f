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

AUTO_RULES = {
    "greeting": {"speaker": "agent", "any_phrase": ["my name is", "thank you for contacting"]},
    "recording_disclosure": {
        "speaker": "agent",
        "any_phrase": ["may be recorded", "is recorded"],
        "channels": ["voice"],
    },
    "identity_check": {"speaker": "agent", "any_phrase": ["confirm your", "verify your"]},
    "hold_permission": {"speaker": "agent", "any_phrase": ["may i place you on hold"]},
    "resolution_check": {"speaker": "agent", "any_phrase": ["anything else", "fully resolved"]},
    "closing": {"speaker": "agent", "any_phrase": ["have a great day", "thanks for contacting"]},
}

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

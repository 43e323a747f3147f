"""Worked example of a second vendor: a QA tool's CSV, one row per answered question.

Columns (as the made-up tool exports them): Evaluation ID, Call ID, Agent, Evaluator, Form,
Form Version, Type, Question, Score, Comment, Submitted. Score is Yes, No, N/A or a number.
The whole adapter is this module plus one line in `orchestration.adapters.ADAPTERS`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from orchestration.adapters.base import Adapter, AdapterError, Conversion, read_text

COLUMNS = (
    "Evaluation ID",
    "Call ID",
    "Agent",
    "Evaluator",
    "Form",
    "Form Version",
    "Type",
    "Question",
    "Score",
    "Comment",
    "Submitted",
)
SCORES = {"yes": "yes", "no": "no", "n/a": "na"}
TYPES = {"standard": "standard", "calibration": "calibration"}


def _answer(score: str, path: Path, line: str) -> str:
    word = score.strip().lower()
    if word in SCORES:
        return SCORES[word]
    try:
        float(word)
    except ValueError:
        raise AdapterError(path, line, f"Score {score!r} is not Yes, No, N/A or a number") from None
    return word


def _form_version(text: str, path: Path, line: str) -> int:
    if not text.strip().isdigit():
        raise AdapterError(path, line, f"Form Version {text!r} is not a whole number")
    return int(text)


class ExampleQaCsvAdapter(Adapter):
    name = "example-qa-csv"
    source_kinds = ("QA tool CSV export, one row per answered question",)

    def convert_file(self, path: Path) -> Conversion:
        conversion = Conversion(path)
        headers: dict[str, dict] = {}
        reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
        missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise AdapterError(path, None, f"columns missing: {', '.join(missing)}")
        for row in reader:
            line = f"line {reader.line_num}"
            if None in row.values():
                raise AdapterError(path, line, f"fewer than the {len(COLUMNS)} columns")
            evaluation_type = TYPES.get(row["Type"].strip().lower())
            if evaluation_type is None:
                raise AdapterError(
                    path, line, f"Type {row['Type']!r} is not Standard or Calibration"
                )
            header = {
                "evaluation_id": row["Evaluation ID"],
                "revision": 1,
                "interaction_id": row["Call ID"],
                "agent_id": row["Agent"],
                "evaluator_id": row["Evaluator"],
                "form_id": row["Form"],
                "form_version": _form_version(row["Form Version"], path, line),
                "evaluation_type": evaluation_type,
                "submitted_at": row["Submitted"],
            }
            if headers.setdefault(header["evaluation_id"], header) != header:
                raise AdapterError(path, line, "evaluation header differs from its first row")
            conversion.add(
                "evaluation_answers",
                {
                    "evaluation_id": row["Evaluation ID"],
                    "revision": 1,
                    "question_id": row["Question"],
                    "answer": _answer(row["Score"], path, line),
                    "comment": row["Comment"] or None,
                },
            )
        conversion.rows["evaluations"] = list(headers.values())
        return conversion

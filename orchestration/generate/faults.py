"""Inject contract violations of every kind and record exactly which rows are bad.

Each faulted row gets one fault. Rows that become bad through another file (transcripts of a
broken contact, answers of a broken evaluation) are recorded as `orphan` cascades, and no
other fault is put on them, so the manifest is exactly what the ingest must quarantine.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from orchestration.generate.writer import ExportFile

Fault = Callable[[pd.DataFrame, np.ndarray], None]  # mutates the rows in place


def _set(column: str, value: str) -> Fault:
    def apply(frame: pd.DataFrame, rows: np.ndarray) -> None:
        frame.loc[rows, column] = value

    return apply


def _unique(column: str, prefix: str) -> Fault:
    def apply(frame: pd.DataFrame, rows: np.ndarray) -> None:
        frame.loc[rows, column] = [f"{prefix}{index}" for index in range(len(rows))]

    return apply


def _negative_turns(frame: pd.DataFrame, rows: np.ndarray) -> None:
    frame.loc[rows, "turn_index"] = [str(-1 - index) for index in range(len(rows))]


def _invalid_answer(frame: pd.DataFrame, rows: np.ndarray) -> None:
    scale = frame.loc[rows, "question_id"] == "empathy"
    frame.loc[rows, "answer"] = np.where(scale, "7", "maybe")


NOT_NA_ABLE = ("greeting", "identity_check", "empathy", "professionalism", "closing")

# export → {reason: how to break a row}; malformed_row and duplicate_key are handled apart.
FAULTS: dict[str, dict[str, Fault]] = {
    "interactions": {
        "missing_required": _set("queue", ""),
        "bad_timestamp": _set("started_at", "2026-13-45 25:61"),
        "bad_number": _set("talk_seconds", "12x"),
        "bad_boolean": _set("abandoned", "maybe"),
        "invalid_enum": _set("channel", "fax"),
        "out_of_range": _set("hold_count", "-1"),
    },
    "transcripts": {
        "missing_required": _set("speaker", ""),
        "invalid_enum": _set("speaker", "bot"),
        "out_of_range": _negative_turns,
        "orphan": _unique("interaction_id", "INT-UNKNOWN-"),
    },
    "evaluations": {
        "missing_required": _set("submitted_at", ""),
        "bad_timestamp": _set("submitted_at", "yesterday"),
        "bad_number": _set("revision", "two"),
        "invalid_enum": _set("evaluation_type", "peer"),
        "unknown_form": _set("form_version", "99"),
    },
    "evaluation_answers": {
        "missing_required": _set("answer", ""),
        "orphan": _unique("evaluation_id", "EV-UNKNOWN-"),
        "unknown_question": _unique("question_id", "no_such_question_"),
        "invalid_answer": _invalid_answer,
        "na_not_allowed": _set("answer", "na"),
    },
    "csat_surveys": {
        "missing_required": _set("survey_id", ""),
        "bad_timestamp": _set("responded_at", "2026-02-30T10:00:00Z"),
        "out_of_range": _set("csat", "9"),
    },
    "coaching_sessions": {"missing_required": _set("agent_id", "")},
}
MALFORMED_FORMATS = ("csv", "jsonl")
CASCADE_KEYS = {
    "interactions": ("transcripts", ["interaction_id"]),
    "evaluations": ("evaluation_answers", ["evaluation_id", "revision"]),
}


def _eligible(file: ExportFile, reason: str, rows: np.ndarray) -> np.ndarray:
    """Rows a fault can go on without turning into a different reason."""
    if reason == "na_not_allowed":
        return rows[np.isin(file.frame["question_id"].to_numpy()[rows], NOT_NA_ABLE)]
    return rows


def inject_faults(
    rng: np.random.Generator,
    files: list[ExportFile],
    rate: float,
    protected_ids: dict[str, set[str]],
) -> list[dict]:
    """Break about `rate` of the rows of each file; return the manifest rows."""
    manifest: list[dict] = []
    cascaded: dict[str, pd.DataFrame] = {}
    by_export = {file.export: file for file in files}
    for file in files:
        faults = FAULTS.get(file.export)
        if not faults or rate <= 0:
            continue
        frame = file.frame
        available = np.ones(len(frame), bool)
        if file.export in protected_ids:
            available &= ~frame.iloc[:, 0].isin(protected_ids[file.export]).to_numpy()
        if file.export in cascaded:
            broken = cascaded[file.export]
            keys = list(broken.columns)
            hit = frame[keys].merge(broken.assign(_hit=True), on=keys, how="left")["_hit"]
            hit = hit.fillna(False).to_numpy(dtype=bool)
            manifest.extend(
                {"export": file.export, "file": file.name, "row": int(row) + 1, "reason": "orphan"}
                for row in np.nonzero(hit)[0]
            )
            available &= ~hit

        cascade = CASCADE_KEYS.get(file.export)
        original_keys = frame[cascade[1]].copy() if cascade else None
        reasons = list(faults) + ["duplicate_key"]
        if file.file_format in MALFORMED_FORMATS:
            reasons.append("malformed_row")
        per_reason = max(1, int(round(rate * len(frame) / len(reasons))))
        free = rng.permutation(np.nonzero(available)[0])
        taken: set[int] = set()
        broken_rows: list[int] = []
        for reason in reasons:
            if reason == "duplicate_key":
                continue
            candidates = free[~np.isin(free, np.fromiter(taken, int, len(taken)))]
            chosen = _eligible(file, reason, candidates)[:per_reason]
            taken.update(chosen.tolist())
            if reason == "malformed_row":
                file.malformed.update(chosen.tolist())
            else:
                faults[reason](frame, chosen)
            broken_rows.extend(chosen.tolist())
            manifest.extend(
                {"export": file.export, "file": file.name, "row": int(row) + 1, "reason": reason}
                for row in chosen
            )
        good = free[~np.isin(free, np.fromiter(taken, int, len(taken)))][:per_reason]
        copies = frame.iloc[good].copy()
        start = len(frame)
        file.frame = pd.concat([frame, copies], ignore_index=True)
        manifest.extend(
            {
                "export": file.export,
                "file": file.name,
                "row": start + at + 1,
                "reason": "duplicate_key",
            }
            for at in range(len(copies))
        )
        if cascade and cascade[0] in by_export:
            cascaded[cascade[0]] = original_keys.iloc[sorted(broken_rows)].drop_duplicates()
    return manifest

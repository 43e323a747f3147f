"""Forms (scorecards) and quality targets: YAML exports, checked and loaded into raw.

A form file is all or nothing: a scorecard with one broken question would score every
evaluation wrongly, so any problem quarantines the whole file with the path of the
offending key. Quality targets are a list; each item stands or falls alone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import yaml

from orchestration import metrics
from orchestration.contract import CRITICAL_LEVELS, QUESTION_TYPES, SEGMENT_PATTERN
from orchestration.ingest import ledger, readers
from orchestration.ingest.auto_rules import AutoRuleError, normalise_auto_rule
from orchestration.ingest.redaction import redact_text


class ContractError(ValueError):
    """A value breaks the contract; `reason` is a quarantine reason."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _require(mapping: dict, key: str, where: str) -> Any:
    value = mapping.get(key)
    if value is None or value == "":
        raise ContractError("missing_required", f"{where}{key} is required")
    return value


def _number(value: Any, where: str, minimum: float = 0) -> float:
    if isinstance(value, bool):
        raise ContractError("bad_number", f"{where} must be a number; got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ContractError("bad_number", f"{where} must be a number; got {value!r}") from error
    if number < minimum:
        raise ContractError("out_of_range", f"{where} must be >= {minimum:g}; got {number:g}")
    return number


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise ContractError("bad_date", f"{where} is not a date: {value!r}") from error


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    text = str(value)
    if text not in allowed:
        raise ContractError(
            "invalid_enum", f"{where} must be one of {', '.join(allowed)}; got {text}"
        )
    return text


def _auto_rule(
    question: dict, question_id: str, question_type: str, max_points: float, na_allowed: bool
) -> dict | None:
    """The question's `auto` rule, checked and normalised (see auto_rules); None without one."""
    if question.get("auto") is None:
        return None
    try:
        return normalise_auto_rule(question["auto"], question_type, max_points, na_allowed)
    except AutoRuleError as error:
        raise ContractError("invalid_auto_rule", f"{question_id}: {error}") from error


def parse_form(document: Any) -> tuple[dict, list[dict]]:
    """Validate one form version; return its header and one row per question."""
    if not isinstance(document, dict):
        raise ContractError("invalid_file", "a form file must be a YAML mapping")
    form_id = str(_require(document, "form_id", ""))
    version = int(_number(_require(document, "version", ""), "version", minimum=1))
    effective_from = _date(_require(document, "effective_from", ""), "effective_from")
    sections = _require(document, "sections", "")
    if not isinstance(sections, list) or not sections:
        raise ContractError("invalid_file", "sections must be a non-empty list")
    questions: list[dict] = []
    seen: set[str] = set()
    for section_index, section in enumerate(sections):
        where = f"sections[{section_index}]."
        section_id = str(_require(section, "section_id", where))
        section_weight = _number(_require(section, "weight", where), where + "weight")
        section_questions = _require(section, "questions", where)
        if not isinstance(section_questions, list):
            raise ContractError("invalid_file", f"{where}questions must be a list")
        for question_index, question in enumerate(section_questions):
            at = f"{where}questions[{question_index}]."
            question_id = str(_require(question, "question_id", at))
            if question_id in seen:
                raise ContractError("duplicate_key", f"{at}question_id {question_id} repeats")
            seen.add(question_id)
            question_type = _choice(_require(question, "type", at), QUESTION_TYPES, at + "type")
            max_points = _number(question.get("max_points", 1), at + "max_points", minimum=1)
            if question_type == "yes_no" and max_points != 1:
                raise ContractError("out_of_range", f"{at}max_points must be 1 for yes_no")
            na_allowed = question.get("na_allowed", False)
            if not isinstance(na_allowed, bool):
                raise ContractError("bad_boolean", f"{at}na_allowed must be true or false")
            auto_rule = _auto_rule(question, question_id, question_type, max_points, na_allowed)
            questions.append(
                {
                    "section_id": section_id,
                    "section_position": section_index + 1,
                    "section_weight": section_weight,
                    "question_id": question_id,
                    "question_position": len(questions) + 1,
                    "question_text": question.get("text"),
                    "question_type": question_type,
                    "max_points": max_points,
                    "question_weight": _number(question.get("weight", 1), at + "weight"),
                    "critical": _choice(
                        question.get("critical", "none") or "none", CRITICAL_LEVELS, at + "critical"
                    ),
                    "na_allowed": na_allowed,
                    "auto_rule": json.dumps(auto_rule) if auto_rule is not None else None,
                }
            )
    if not questions:
        raise ContractError("invalid_file", "the form has no questions")
    header = {
        "form_id": form_id,
        "form_version": version,
        "form_name": document.get("name"),
        "effective_from": effective_from,
        "definition": json.dumps(document, default=str),
    }
    return header, questions


def parse_target(item: Any) -> dict:
    """One quality target, checked against the metric registry: the metric must be declared
    with `target: true` and the segment's kind must be one the metric is charted on. A missing
    direction is the metric's own."""
    if not isinstance(item, dict):
        raise ContractError("invalid_file", "a quality target must be a mapping")
    name = str(_require(item, "metric", ""))
    targetable = metrics.targetable()
    if name not in targetable:
        raise ContractError(
            "unknown_metric",
            f"metric {name!r} is not a metric that takes targets;"
            f" expected one of {', '.join(targetable)}",
        )
    metric = targetable[name]
    segment = str(_require(item, "segment", ""))
    if not re.fullmatch(SEGMENT_PATTERN, segment):
        raise ContractError("invalid_enum", f"segment {segment!r} is not all or <kind>:<value>")
    kind = segment.split(":", 1)[0]
    if kind not in metric.segments:
        raise ContractError(
            "unknown_segment",
            f"{name} is not measured per {kind}; its segments are {', '.join(metric.segments)}",
        )
    direction = item.get("direction") or metric.direction
    return {
        "metric": name,
        "segment": segment,
        "target": _number(_require(item, "target", ""), "target", minimum=-1e300),
        "direction": _choice(direction, metrics.DIRECTIONS, "direction"),
        "effective_from": _date(_require(item, "effective_from", ""), "effective_from"),
    }


def _quarantine(connection, export, source_file, row, file_hash, error, raw, sequence) -> None:
    """Store the refused text with personal data redacted (a YAML error quotes the file)."""
    detail, raw = redact_text(error.detail), redact_text(raw)
    connection.execute(
        "insert into raw.quarantine values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp)",
        [export, source_file, row, file_hash, error.reason, detail, raw, sequence],
    )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContractError("invalid_file", f"not valid YAML: {error}") from error
    except UnicodeDecodeError as error:
        raise ContractError(
            "invalid_file",
            f"not UTF-8 text: byte 0x{error.object[error.start]:02x} at offset {error.start}",
        ) from error


def _load_form(connection, path, source_file, file_hash, sequence, outcome) -> None:
    outcome.rows_in = 1
    try:
        header, questions = parse_form(_read_yaml(path))
        known = connection.execute(
            "select _source_file from raw.forms where form_id = ? and form_version = ?",
            [header["form_id"], header["form_version"]],
        ).fetchall()
        if known:
            raise ContractError(
                "duplicate_key",
                f"form {header['form_id']} version {header['form_version']} was already loaded"
                f" from {known[0][0]}; a changed form needs a new version",
            )
    except ContractError as error:
        raw = readers.escaped_text(path)
        _quarantine(connection, "forms", source_file, None, file_hash, error, raw, sequence)
        outcome.rows_quarantined = 1
        if error.reason == "invalid_file":
            outcome.unreadable = redact_text(error.detail)
        return
    connection.execute(
        "insert into raw.forms values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp)",
        [*header.values(), source_file, file_hash, sequence],
    )
    connection.executemany(
        "insert into raw.form_questions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [header["form_id"], header["form_version"], *question.values(), file_hash, sequence]
            for question in questions
        ],
    )
    outcome.rows_loaded = 1


def _load_targets(connection, path, source_file, file_hash, sequence, outcome) -> None:
    try:
        document = _read_yaml(path)
        if isinstance(document, dict) and "targets" in document:
            document = document["targets"]
        if not isinstance(document, list):
            raise ContractError("invalid_file", "quality targets must be a YAML list")
    except ContractError as error:
        outcome.rows_in = outcome.rows_quarantined = 1
        outcome.unreadable = redact_text(error.detail)
        raw = readers.escaped_text(path)
        _quarantine(
            connection, "quality_targets", source_file, None, file_hash, error, raw, sequence
        )
        return
    outcome.rows_in = len(document)
    for row, item in enumerate(document, start=1):
        try:
            target = parse_target(item)
        except ContractError as error:
            raw = json.dumps(item, default=str)
            _quarantine(
                connection, "quality_targets", source_file, row, file_hash, error, raw, sequence
            )
            outcome.rows_quarantined += 1
            continue
        connection.execute(
            "insert into raw.quality_targets values"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp)",
            [*target.values(), source_file, row, file_hash, sequence],
        )
        outcome.rows_loaded += 1


YAML_LOADERS = {"forms": _load_form, "quality_targets": _load_targets}


def load_yaml_file(
    connection: duckdb.DuckDBPyConnection, export: str, path: Path, landing_dir: Path
) -> ledger.FileOutcome:
    source_file = ledger.relative_name(landing_dir, path)
    file_hash = ledger.content_hash(path)
    outcome = ledger.FileOutcome(export, source_file, file_hash)
    if ledger.is_known(connection, export, file_hash):
        outcome.skipped_as_known = True
        return outcome
    with ledger.file_transaction(connection) as sequence:
        YAML_LOADERS[export](connection, path, source_file, file_hash, sequence, outcome)
        ledger.record(connection, outcome, path.stat().st_size, sequence)
    return outcome

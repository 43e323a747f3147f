"""The landing contract as data: every tabular export, its columns and rules.

One declaration feeds the ingest checks, the raw table DDL and the docs, so a rule
changes in one place. The YAML exports (forms, quality targets) are checked in
`orchestration.ingest.yaml_exports`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["text", "integer", "number", "boolean", "timestamp", "date", "list"]

# Quarantine reasons, in the order the checks run (the first failing rule wins).
QUARANTINE_REASONS = (
    "malformed_row",
    "missing_required",
    "bad_timestamp",
    "bad_date",
    "bad_number",
    "bad_boolean",
    "invalid_enum",
    "out_of_range",
    "duplicate_key",
    "orphan",
    "unknown_form",
    "unknown_question",
    "invalid_answer",
    "na_not_allowed",
    "invalid_file",
    "unknown_metric",
    "unknown_segment",
    "invalid_auto_rule",
)

# Segments of targets and process changes: 'all' or '<kind>:<value>'.
SEGMENT_KINDS = ("all", "site", "team", "queue", "channel", "agent")
SEGMENT_PATTERN = rf"all|({'|'.join(SEGMENT_KINDS[1:])}):.+"

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"
    required: bool = False
    domain: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: str | None = None
    free_text: bool = False  # written by people: personal data is redacted at ingest


@dataclass(frozen=True)
class RowRule:
    """A rule across columns, as a SQL condition on parsed values that marks a bad row."""

    reason: str
    violated_when: str
    detail: str


@dataclass(frozen=True)
class Export:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    row_rules: tuple[RowRule, ...] = ()
    depends_on: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _non_negative(*names: str, kind: ColumnKind = "number") -> tuple[Column, ...]:
    return tuple(Column(name, kind, minimum=0) for name in names)


INTERACTIONS = Export(
    name="interactions",
    key=("interaction_id",),
    columns=(
        Column("interaction_id", required=True),
        Column("channel", required=True, domain=("voice", "chat", "email", "social")),
        Column("direction", required=True, domain=("inbound", "outbound")),
        Column("queue", required=True),
        Column("contact_reason"),
        Column("agent_id"),
        Column("customer_id"),
        Column("site"),
        Column("started_at", "timestamp", required=True),
        Column("answered_at", "timestamp"),
        Column("ended_at", "timestamp", required=True),
        *_non_negative(
            "queue_seconds", "talk_seconds", "hold_seconds", "after_contact_work_seconds"
        ),
        *_non_negative("hold_count", "transfer_count", kind="integer"),
        Column("abandoned", "boolean", required=True),
        Column("resolved", "boolean"),
        Column("updated_at", "timestamp"),
    ),
    row_rules=(
        RowRule(
            "missing_required",
            "agent_id is null and not abandoned",
            "agent_id is empty on an interaction that was not abandoned",
        ),
        RowRule("out_of_range", "ended_at < started_at", "ended_at is before started_at"),
        RowRule("out_of_range", "answered_at < started_at", "answered_at is before started_at"),
    ),
)

TRANSCRIPTS = Export(
    name="transcripts",
    key=("interaction_id", "turn_index"),
    depends_on=("interactions",),
    columns=(
        Column("interaction_id", required=True),
        Column("turn_index", "integer", required=True, minimum=0),
        Column("speaker", required=True, domain=("agent", "customer", "system")),
        *_non_negative("begin_offset_ms", "end_offset_ms", kind="integer"),
        Column("text", free_text=True),
    ),
    row_rules=(
        RowRule(
            "out_of_range",
            "end_offset_ms < begin_offset_ms",
            "end_offset_ms is before begin_offset_ms",
        ),
    ),
)

EVALUATIONS = Export(
    name="evaluations",
    key=("evaluation_id", "revision"),
    depends_on=("forms",),
    columns=(
        Column("evaluation_id", required=True),
        Column("revision", "integer", minimum=1, default="1"),
        Column("interaction_id", required=True),
        Column("agent_id", required=True),
        Column("evaluator_id", required=True),
        Column("form_id", required=True),
        Column("form_version", "integer", required=True, minimum=1),
        Column("evaluation_type", required=True, domain=("standard", "calibration", "auto")),
        Column("started_at", "timestamp"),
        Column("submitted_at", "timestamp", required=True),
        Column("updated_at", "timestamp"),
    ),
)

EVALUATION_ANSWERS = Export(
    name="evaluation_answers",
    key=("evaluation_id", "revision", "question_id"),
    depends_on=("evaluations", "forms"),
    columns=(
        Column("evaluation_id", required=True),
        Column("revision", "integer", minimum=1, default="1"),
        Column("question_id", required=True),
        Column("answer", required=True),
        Column("comment", free_text=True),
    ),
)

CSAT_SURVEYS = Export(
    name="csat_surveys",
    key=("survey_id",),
    columns=(
        Column("survey_id", required=True),
        Column("interaction_id", required=True),
        Column("responded_at", "timestamp"),
        Column("csat", "integer", minimum=1, maximum=5),
        Column("nps", "integer", minimum=0, maximum=10),
        Column("customer_reported_resolved", "boolean"),
        Column("comment", free_text=True),
    ),
    row_rules=(
        RowRule(
            "missing_required", "csat is null and nps is null", "neither csat nor nps is given"
        ),
    ),
)

COACHING_SESSIONS = Export(
    name="coaching_sessions",
    key=("coaching_id",),
    columns=(
        Column("coaching_id", required=True),
        Column("agent_id", required=True),
        Column("coach_id"),
        Column("held_at", "timestamp", required=True),
        Column("question_ids", "list"),
        Column("evaluation_ids", "list"),
        Column("notes", free_text=True),
        Column("acknowledged_at", "timestamp"),
    ),
)

AGENTS = Export(
    name="agents",
    key=("agent_id", "effective_from"),
    columns=(
        Column("agent_id", required=True),
        Column("agent_name"),
        Column("team_id", required=True),
        Column("team_name"),
        Column("supervisor_id"),
        Column("site"),
        Column("vendor"),
        Column("hired_at", "date"),
        Column("effective_from", "date", required=True),
        Column("effective_to", "date"),
    ),
    row_rules=(
        RowRule(
            "out_of_range",
            "effective_to < effective_from",
            "effective_to is before effective_from",
        ),
    ),
)

PROCESS_CHANGES = Export(
    name="process_changes",
    key=("change_id",),
    columns=(
        Column("change_id", required=True),
        Column("effective_at", "timestamp", required=True),
        Column("scope", required=True),
        Column("description", free_text=True),
    ),
    row_rules=(
        RowRule(
            "invalid_enum",
            f"not regexp_full_match(scope, '({SEGMENT_PATTERN})')",
            f"scope is not 'all' or '<{'|'.join(SEGMENT_KINDS[1:])}>:<value>'",
        ),
    ),
)

TABULAR_EXPORTS: dict[str, Export] = {
    export.name: export
    for export in (
        INTERACTIONS,
        TRANSCRIPTS,
        EVALUATIONS,
        EVALUATION_ANSWERS,
        CSAT_SURVEYS,
        COACHING_SESSIONS,
        AGENTS,
        PROCESS_CHANGES,
    )
}

YAML_EXPORTS = ("forms", "quality_targets")
TABULAR_FILE_SUFFIXES = (".csv", ".parquet", ".jsonl")
YAML_FILE_SUFFIXES = (".yml", ".yaml")

# Metrics a quality target may name, and the segment kinds each allows, come from the metric
# registry (orchestration.metrics).
QUESTION_TYPES = ("yes_no", "scale")
CRITICAL_LEVELS = ("form", "section", "none")

"""Checks that need other exports: orphans, unknown forms and questions, answer domains.

Each is an UPDATE on the `checked` table of the file being loaded, applied in contract
order and only to rows that passed every earlier check. They compare against what the
warehouse already holds, so a later file may refer to rows landed by an earlier run.
"""

from __future__ import annotations

from collections.abc import Callable

ReferenceCheck = tuple[str, str]  # (reason, UPDATE statement)


def _transcripts() -> list[ReferenceCheck]:
    return [
        (
            "orphan",
            """
            update checked set quarantine_reason = 'orphan',
              quarantine_detail = 'interaction_id ' || interaction_id || ' is not in interactions'
            where quarantine_reason is null and not exists (
              select 1 from raw.interactions as known
              where known.interaction_id = checked.interaction_id)
            """,
        )
    ]


def _evaluations() -> list[ReferenceCheck]:
    return [
        (
            "unknown_form",
            """
            update checked set quarantine_reason = 'unknown_form',
              quarantine_detail = 'form ' || form_id || ' version ' || form_version
                || ' is not in forms'
            where quarantine_reason is null and not exists (
              select 1 from raw.forms as known
              where known.form_id = checked.form_id
                and known.form_version = checked.form_version)
            """,
        )
    ]


_ANSWER_QUESTIONS = """
    from (
      select evaluation_id, revision, any_value(form_id) as form_id,
        any_value(form_version) as form_version
      from raw.evaluations group by evaluation_id, revision
    ) as evaluation
    left join raw.form_questions as question
      on question.form_id = evaluation.form_id
      and question.form_version = evaluation.form_version
"""


def _evaluation_answers() -> list[ReferenceCheck]:
    return [
        (
            "orphan",
            """
            update checked set quarantine_reason = 'orphan',
              quarantine_detail = 'evaluation ' || evaluation_id || ' revision ' || revision
                || ' is not in evaluations'
            where quarantine_reason is null and not exists (
              select 1 from raw.evaluations as known
              where known.evaluation_id = checked.evaluation_id
                and known.revision = checked.revision)
            """,
        ),
        (
            "unknown_question",
            f"""
            update checked set quarantine_reason = 'unknown_question',
              quarantine_detail = 'question ' || question_id || ' is not in the evaluation''s form'
            where quarantine_reason is null and not exists (
              select 1 {_ANSWER_QUESTIONS}
              where evaluation.evaluation_id = checked.evaluation_id
                and evaluation.revision = checked.revision
                and question.question_id = checked.question_id)
            """,
        ),
        (
            "invalid_answer",
            f"""
            update checked set quarantine_reason = 'invalid_answer',
              quarantine_detail = 'answer ' || checked.answer || ' is not valid for '
                || question.question_type || ' question ' || question.question_id
                || case when question.question_type = 'scale'
                   then ' (0..' || question.max_points || ')' else ' (yes/no/na)' end
            {_ANSWER_QUESTIONS}
            where quarantine_reason is null
              and evaluation.evaluation_id = checked.evaluation_id
              and evaluation.revision = checked.revision
              and question.question_id = checked.question_id
              and lower(checked.answer) <> 'na'
              and case question.question_type
                when 'yes_no' then lower(checked.answer) not in ('yes', 'no')
                else coalesce(not (try_cast(checked.answer as double)
                  between 0 and question.max_points), true)
              end
            """,
        ),
        (
            "na_not_allowed",
            f"""
            update checked set quarantine_reason = 'na_not_allowed',
              quarantine_detail = 'question ' || question.question_id || ' does not allow na'
            {_ANSWER_QUESTIONS}
            where quarantine_reason is null
              and evaluation.evaluation_id = checked.evaluation_id
              and evaluation.revision = checked.revision
              and question.question_id = checked.question_id
              and lower(checked.answer) = 'na' and not question.na_allowed
            """,
        ),
    ]


REFERENCE_CHECKS: dict[str, Callable[[], list[ReferenceCheck]]] = {
    "transcripts": _transcripts,
    "evaluations": _evaluations,
    "evaluation_answers": _evaluation_answers,
}


def reference_checks(export_name: str) -> list[ReferenceCheck]:
    builder = REFERENCE_CHECKS.get(export_name)
    return builder() if builder else []

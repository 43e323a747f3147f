-- One row per question of each counted evaluation (highest revision), N/A included.
-- Incremental per evaluation (macros/incremental_by_interaction.sql); a contract needs
-- on_schema_change `fail`: a changed project is built in full anyway.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'changed_rows': {'model': 'int_changed_evaluations', 'key': 'evaluation_id'}},
    pre_hook="{{ delete_changed_rows() }}",
) }}
-- depends_on: {{ ref('int_changed_evaluations') }}
with answers as (
    select * from {{ ref('int_answers_scored') }}
    {{ only_changed_evaluations() }}
),

evaluations as (
    select * from {{ ref('fct_evaluations') }}
    {{ only_changed_evaluations() }}
),

final as (
    select
        answers.evaluation_id,
        answers.revision,
        answers.form_id,
        answers.form_version,
        answers.section_id,
        answers.question_id,
        answers.question_type,
        answers.critical_level,
        answers.answer,
        answers.is_na,
        answers.question_score,
        answers.is_failed,
        answers.is_critical_miss,
        answers.answer_comment,
        answers.evidence_turn_index,
        answers.evidence_text,
        evaluations.interaction_id,
        evaluations.evaluation_type,
        evaluations.is_agent_scored,
        evaluations.agent_id,
        evaluations.team_id,
        evaluations.team_name,
        evaluations.site,
        evaluations.channel,
        evaluations.queue,
        evaluations.evaluator_id,
        evaluations.submitted_at,
        evaluations.attributed_at,
        evaluations.evaluation_date,
        evaluations.week_start
    from answers
    inner join evaluations
        on answers.evaluation_id = evaluations.evaluation_id
        and answers.revision = evaluations.revision
)

select * from final

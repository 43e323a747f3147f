-- Human answers (staging) and machine answers (int_auto_answers) in one shape, with the
-- machine's evidence (null for people).
-- Incremental per evaluation (dbt_project.yml, macros/incremental_by_interaction.sql).
-- depends_on: {{ ref('int_changed_evaluations') }}
with human as (
    select * from {{ ref('stg_evaluation_answers') }}
    {{ only_changed_evaluations() }}
),

machine as (
    select * from {{ ref('int_auto_answers') }}
    {{ only_changed_evaluations() }}
),

final as (
    select
        evaluation_id,
        revision,
        question_id,
        answer,
        answer_comment,
        cast(null as bigint) as evidence_turn_index,
        cast(null as string) as evidence_text
    from human
    union all
    select
        evaluation_id,
        revision,
        question_id,
        answer,
        cast(null as string) as answer_comment,
        cast(evidence_turn_index as bigint) as evidence_turn_index,
        evidence_text
    from machine
)

select * from final

-- Human evaluations (staging) and machine evaluations (int_auto_evaluations) in one shape:
-- what the scoring models score.
with human as (
    select * from {{ ref('stg_evaluations') }}
),

machine as (
    select * from {{ ref('int_auto_evaluations') }}
),

final as (
    select
        evaluation_id,
        revision,
        interaction_id,
        agent_id,
        evaluator_id,
        form_id,
        form_version,
        evaluation_type,
        started_at,
        submitted_at,
        updated_at,
    from human
    union all
    select
        evaluation_id,
        revision,
        interaction_id,
        agent_id,
        evaluator_id,
        form_id,
        form_version,
        evaluation_type,
        started_at,
        submitted_at,
        updated_at,
    from machine
)

select * from final

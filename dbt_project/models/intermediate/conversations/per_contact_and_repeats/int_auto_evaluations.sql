-- One machine evaluation per contact with a transcript and form with `auto` rules, shaped as
-- stg_evaluations so the scoring models read it beside the human ones: evaluation_type
-- `auto`, evaluator `machine`, submitted when the contact ended.
-- depends_on: {{ ref('int_changed_interactions_and_repeats') }}
with answers as (
    select * from {{ ref('int_auto_answers') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

interactions as (
    select * from {{ ref('stg_interactions') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

evaluated as (
    select distinct
        evaluation_id,
        revision,
        interaction_id,
        form_id,
        form_version
    from answers
),

final as (
    select
        evaluated.evaluation_id,
        evaluated.revision,
        evaluated.interaction_id,
        interactions.agent_id,
        'machine' as evaluator_id,
        evaluated.form_id,
        evaluated.form_version,
        'auto' as evaluation_type,
        interactions.ended_at as started_at,
        interactions.ended_at as submitted_at,
        cast(null as timestamp) as updated_at
    from evaluated
    inner join interactions
        on evaluated.interaction_id = interactions.interaction_id
)

select * from final

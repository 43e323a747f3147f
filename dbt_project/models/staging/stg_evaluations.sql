with source as (
    select * from {{ source('raw', 'evaluations') }}
),

latest as (
    select * from source
    {{ latest_row(['evaluation_id', 'revision'], has_updated_at=true) }}
),

renamed as (
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
        updated_at
    from latest
)

select * from renamed

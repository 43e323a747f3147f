with source as (
    select * from {{ source('raw', 'coaching_sessions') }}
),

latest as (
    select * from source
    {{ latest_row(['coaching_id']) }}
),

renamed as (
    select
        coaching_id,
        agent_id,
        coach_id,
        held_at,
        question_ids,
        evaluation_ids,
        notes as coaching_notes,
        acknowledged_at
    from latest
)

select * from renamed

with source as (
    select * from {{ source('raw', 'interactions') }}
),

latest as (
    select * from source
    {{ latest_row(['interaction_id'], has_updated_at=true) }}
),

renamed as (
    select
        interaction_id,
        channel,
        direction,
        queue,
        contact_reason,
        agent_id,
        customer_id,
        site,
        started_at,
        answered_at,
        ended_at,
        queue_seconds,
        talk_seconds,
        hold_seconds,
        after_contact_work_seconds,
        hold_count,
        transfer_count,
        abandoned as is_abandoned,
        resolved as is_resolved,
        updated_at,
        _source_file as source_file
    from latest
)

select * from renamed

with source as (
    select * from {{ source('raw', 'agents') }}
),

latest as (
    select * from source
    {{ latest_row(['agent_id', 'effective_from']) }}
),

renamed as (
    select
        agent_id,
        agent_name,
        team_id,
        team_name,
        supervisor_id,
        site,
        vendor,
        hired_at,
        effective_from,
        effective_to
    from latest
)

select * from renamed

with agents as (
    select * from {{ ref('int_agents_effective') }}
),

final as (
    select
        agent_id,
        agent_name,
        team_id,
        team_name,
        supervisor_id,
        site,
        vendor,
        vendor is not null as is_outsourced,
        hired_at,
        effective_from as valid_from,
        valid_to,
        valid_to is null as is_current
    from agents
)

select * from final

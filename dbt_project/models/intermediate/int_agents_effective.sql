-- The roster as validity intervals: a team change closes one row and opens the next, so
-- any fact can be attributed to the team the agent was on that day.
with agents as (
    select * from {{ ref('stg_agents') }}
),

final as (
    select
        *,
        coalesce(
            effective_to,
            lead(effective_from) over (partition by agent_id order by effective_from)
        ) as valid_to
    from agents
)

select * from final

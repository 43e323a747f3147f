-- Per agent × team × source × behaviour in the coaching window: the agent's observations and
-- misses, and those of the agent's peers (the team's other agents) over the same window.
-- A peer group with no observations leaves the agent without a comparison. The test settings
-- of var('coaching') ride along for int_coaching_tests (a Python model reads no vars).
with observations as (
    select * from {{ ref('int_coaching_observations') }}
),

agent_counts as (
    select
        agent_id,
        team_id,
        source,
        behaviour_id,
        any_value(window_start) as window_start,
        any_value(window_end) as window_end,
        count(*) as agent_units,
        count(*) filter (where is_miss) as agent_misses,
        count(distinct interaction_id) as agent_contacts
    from observations
    group by all
),

final as (
    select
        agent_id,
        team_id,
        source,
        behaviour_id,
        window_start,
        window_end,
        agent_units,
        agent_misses,
        agent_contacts,
        (sum(agent_units) over team_behaviour) - agent_units as peer_units,
        (sum(agent_misses) over team_behaviour) - agent_misses as peer_misses,
        {{ var('coaching')['min_observations'] }} as min_observations,
        {{ var('coaching')['false_discovery_rate'] }} as false_discovery_rate
    from agent_counts
    window team_behaviour as (partition by team_id, source, behaviour_id)
)

select * from final

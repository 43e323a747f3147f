-- The agents whose roster rows, as stg_agents reads them, differ from what they were after
-- the previous successful build (loads up to var changed_since_load): a new row (a team
-- change), a changed one, a correction taken back. A roster landed again unchanged, as a
-- daily full export is, changes no one. Rebuilt by every build; on a full build, every agent.
{%- set roster_columns = [
    'agent_id', 'agent_name', 'team_id', 'team_name', 'supervisor_id', 'site', 'vendor',
    'hired_at', 'effective_from', 'effective_to'] %}
with previous_roster as (
    select {{ roster_columns | join(', ') }}
    from {{ source('raw', 'agents') }}
    where _load_sequence <= {{ changed_since_load() }}
    {{ latest_row(['agent_id', 'effective_from']) }}
),

current_roster as (
    select {{ roster_columns | join(', ') }} from {{ ref('stg_agents') }}
),

final as (
    select distinct agent_id from (
        (select * from current_roster except select * from previous_roster)
        union all
        (select * from previous_roster except select * from current_roster)
    )
)

select * from final

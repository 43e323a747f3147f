-- The contacts whose row of fct_interactions an incremental build redoes: those whose own
-- rows, transcript or repeat contacts changed (int_changed_interactions_and_repeats), those a
-- survey landed since the previous build names (in any version of it: a restated survey may
-- name another contact), and every contact of an agent whose roster rows changed (the team,
-- site and vendor of the contact's day). A roster landed again unchanged, as a daily full
-- export is, changes no one. Rebuilt by every build; on a full build, every contact without
-- the search.
{%- set roster_columns = [
    'agent_id', 'agent_name', 'team_id', 'team_name', 'supervisor_id', 'site', 'vendor',
    'hired_at', 'effective_from', 'effective_to'] %}
with changed as (
    select interaction_id from {{ ref('int_changed_interactions_and_repeats') }}
),

surveyed as (
    select distinct surveys.interaction_id,
    from {{ source('raw', 'csat_surveys') }} as surveys
    where
        surveys.interaction_id is not null
        and surveys.survey_id in (
            select survey_id from {{ source('raw', 'csat_surveys') }}
            where _load_sequence > {{ changed_since_load() }}
        )
),

-- the roster as stg_agents read it after the previous build, and as it reads it now
previous_roster as (
    select {{ roster_columns | join(', ') }},
    from {{ source('raw', 'agents') }}
    where _load_sequence <= {{ changed_since_load() }}
    {{ latest_row(['agent_id', 'effective_from']) }}
),

current_roster as (
    select {{ roster_columns | join(', ') }}, from {{ ref('stg_agents') }}
),

changed_agents as (
    select agent_id from (
        (select * from current_roster except select * from previous_roster)
        union all
        (select * from previous_roster except select * from current_roster)
    )
),

agents_contacts as (
    select interaction_id,
    from {{ ref('stg_interactions') }}
    where agent_id in (select agent_id from changed_agents)
),

final as (
    select interaction_id from changed
    {%- if changed_since_load() | int >= 0 %}
    union
    select interaction_id from surveyed
    union
    select interaction_id from agents_contacts
    {%- endif %}
)

select * from final

-- The contacts whose row of fct_interactions an incremental build redoes: those whose own
-- rows, transcript or repeat contacts changed (int_changed_interactions_and_repeats), those a
-- survey landed since the previous build names (in any version of it: a restated survey may
-- name another contact), and every contact of an agent whose roster rows changed
-- (int_changed_agents: the team, site and vendor of the contact's day). Rebuilt by every
-- build; on a full build, every contact without the search.
with changed as (
    select interaction_id from {{ ref('int_changed_interactions_and_repeats') }}
),

surveyed as (
    select distinct surveys.interaction_id
    from {{ source('raw', 'csat_surveys') }} as surveys
    where
        surveys.interaction_id is not null
        and surveys.survey_id in (
            select survey_id from {{ source('raw', 'csat_surveys') }}
            where _load_sequence > {{ changed_since_load() }}
        )
),

agents_contacts as (
    select interaction_id
    from {{ ref('stg_interactions') }}
    where agent_id in (select agent_id from {{ ref('int_changed_agents') }})
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

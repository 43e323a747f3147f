with interactions as (
    select * from {{ ref('stg_interactions') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

surveys as (
    select * from {{ ref('stg_csat_surveys') }}
    qualify row_number() over (
        partition by interaction_id order by responded_at desc nulls last, survey_id desc
    ) = 1
),

final as (
    select
        interactions.interaction_id,
        interactions.channel,
        interactions.direction,
        interactions.queue,
        interactions.contact_reason,
        interactions.agent_id,
        agents.team_id,
        agents.team_name,
        coalesce(agents.site, interactions.site) as site,
        agents.vendor,
        interactions.customer_id,
        interactions.started_at,
        interactions.answered_at,
        interactions.ended_at,
        cast(interactions.started_at as date) as interaction_date,
        cast({{ dbt.date_trunc('week', 'interactions.started_at') }} as date) as week_start,
        interactions.queue_seconds,
        interactions.talk_seconds,
        interactions.hold_seconds,
        interactions.after_contact_work_seconds,
        case
            when not interactions.is_abandoned
                then coalesce(interactions.talk_seconds, 0)
                + coalesce(interactions.hold_seconds, 0)
                + coalesce(interactions.after_contact_work_seconds, 0)
        end as handle_seconds,
        interactions.hold_count,
        interactions.transfer_count,
        interactions.is_abandoned,
        interactions.is_resolved,
        surveys.survey_id,
        surveys.csat,
        surveys.nps,
        surveys.csat >= 4 as is_csat_satisfied,
        surveys.responded_at as csat_responded_at,
    from interactions
    left join agents
        on interactions.agent_id = agents.agent_id
        and cast(interactions.started_at as date) >= agents.valid_from
        and (agents.valid_to is null or cast(interactions.started_at as date) < agents.valid_to)
    left join surveys
        on interactions.interaction_id = surveys.interaction_id
)

select * from final

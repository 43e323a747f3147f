-- How much of each agent's work is scored, per ISO week (Monday) of the contact's start:
-- contacts handled (answered), with a transcript, scored by the machine and evaluated by a
-- person (a standard evaluation, any revision), and the machine and human shares of the
-- handled contacts.
with interactions as (
    select * from {{ ref('fct_interactions') }}
),

transcribed as (
    select distinct interaction_id from {{ ref('int_transcript_turns') }}
),

machine_scored as (
    select distinct interaction_id from {{ ref('int_auto_evaluations') }}
),

human_evaluated as (
    select distinct interaction_id from {{ ref('int_evaluations_combined') }}
    where evaluation_type = 'standard'
),

handled as (
    select
        interactions.agent_id,
        interactions.week_start,
        interactions.interaction_id,
        transcribed.interaction_id is not null as has_transcript,
        machine_scored.interaction_id is not null as is_machine_scored,
        human_evaluated.interaction_id is not null as is_human_evaluated,
    from interactions
    left join transcribed
        on interactions.interaction_id = transcribed.interaction_id
    left join machine_scored
        on interactions.interaction_id = machine_scored.interaction_id
    left join human_evaluated
        on interactions.interaction_id = human_evaluated.interaction_id
    where not interactions.is_abandoned and interactions.agent_id is not null
),

weekly as (
    select
        agent_id,
        week_start,
        count(*) as interactions_count,
        count(*) filter (where has_transcript) as transcribed_count,
        count(*) filter (where is_machine_scored) as machine_scored_count,
        count(*) filter (where is_human_evaluated) as human_evaluated_count,
    from handled
    group by agent_id, week_start
),

final as (
    select
        agent_id,
        week_start,
        interactions_count,
        transcribed_count,
        machine_scored_count,
        human_evaluated_count,
        machine_scored_count / interactions_count as machine_scored_share,
        human_evaluated_count / interactions_count as human_evaluated_share,
    from weekly
)

select * from final

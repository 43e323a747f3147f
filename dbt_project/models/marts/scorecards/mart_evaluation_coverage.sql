-- How much of each agent's work is scored, per ISO week (Monday) of the contact's start:
-- contacts handled (answered), with a transcript, scored by the machine and evaluated by a
-- person (a standard evaluation, any revision), and the machine and human shares of the
-- handled contacts.
-- And the sampling plan made at the end of the week for the following one: the sd of the
-- agent's QA scores it assumes (the agent's own, or shrunk towards the team's while the agent
-- has fewer than plan_pooling_evaluations: int_sampling_plan_sd), the smallest n of human
-- evaluations with t(n − 1)·sd/√n ≤ plan_half_width (int_sampling_plan_sizes), capped at the
-- contacts the agent handled this week (the queue draws next week's evaluations from them),
-- and the half-width the capped n gives.
{% set half_width = var('scorecards')['plan_half_width'] %}

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

plan_sd as (
    select * from {{ ref('int_sampling_plan_sd') }}
),

plan_sizes as (
    select * from {{ ref('int_sampling_plan_sizes') }}
),

handled as (
    select
        interactions.agent_id,
        interactions.week_start,
        interactions.interaction_id,
        transcribed.interaction_id is not null as has_transcript,
        machine_scored.interaction_id is not null as is_machine_scored,
        human_evaluated.interaction_id is not null as is_human_evaluated
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
        count(*) filter (where is_human_evaluated) as human_evaluated_count
    from handled
    group by agent_id, week_start
),

planned as (
    select
        weekly.*,
        plan_sd.evaluations_count as plan_evaluations_count,
        plan_sd.agent_sd as plan_agent_sd,
        plan_sd.pooled_sd as plan_pooled_sd,
        plan_sd.plan_sd,
        plan_sd.sd_source as plan_sd_source,
        plan_sizes.evaluations_for_half_width,
        case
            when plan_sizes.evaluations_for_half_width <= weekly.interactions_count
                then plan_sizes.evaluations_for_half_width
            when plan_sizes.evaluations_for_half_width is not null then weekly.interactions_count
        end as human_evaluations_needed_next_week,
        plan_sizes.evaluations_for_half_width > weekly.interactions_count as is_plan_capped
    from weekly
    left join plan_sd
        on weekly.agent_id = plan_sd.agent_id
        and weekly.week_start = plan_sd.week_start
    left join plan_sizes
        on weekly.agent_id = plan_sizes.agent_id
        and weekly.week_start = plan_sizes.week_start
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
        plan_evaluations_count,
        plan_agent_sd,
        plan_pooled_sd,
        plan_sd,
        plan_sd_source,
        cast({{ half_width }} as double) as plan_half_width,
        evaluations_for_half_width,
        human_evaluations_needed_next_week,
        is_plan_capped,
        {{ t_quantile('human_evaluations_needed_next_week - 1') }} * plan_sd
        / sqrt(human_evaluations_needed_next_week) as plan_expected_half_width
    from planned
)

select * from final

-- The evidence behind each coaching opportunity (mart_coaching_opportunities): up to
-- var('coaching').evidence_per_opportunity of the agent's misses in the window, per agent ×
-- team × source × behaviour: those with a quote first (the evaluator's comment, the machine's
-- evidence turn, the transcript turn with the friction cue), then the latest. `link` opens the
-- contact on the Interactions page.
with observations as (
    select * from {{ ref('int_coaching_observations') }}
),

ranked as (
    select
        agent_id,
        team_id,
        source,
        behaviour_id,
        interaction_id,
        evaluation_id,
        observed_at,
        evidence_turn_index,
        quote,
        row_number() over (
            partition by agent_id, team_id, source, behaviour_id
            order by quote is null, observed_at desc, interaction_id
        ) as evidence_rank
    from observations
    where is_miss
),

final as (
    select
        agent_id,
        team_id,
        source,
        behaviour_id,
        cast(evidence_rank as integer) as evidence_rank,
        interaction_id,
        evaluation_id,
        observed_at,
        cast(evidence_turn_index as integer) as evidence_turn_index,
        quote,
        'interactions?interaction_id=' || interaction_id as link
    from ranked
    where evidence_rank <= {{ var('coaching')['evidence_per_opportunity'] }}
)

select * from final

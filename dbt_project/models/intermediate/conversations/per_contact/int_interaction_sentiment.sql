-- Customer and agent sentiment per contact with a transcript, from the VADER compound of
-- each turn (int_turn_sentiment): where the customer started and ended, their lowest turn,
-- their mean and the change from first to last turn, and the agent's mean.
-- depends_on: {{ ref('int_changed_interactions') }}
with turn_sentiment as (
    select * from {{ ref('int_turn_sentiment') }}
    {{ only_changed_interactions() }}
),

turns_ordered as (
    select
        interaction_id,
        turn_index,
        speaker,
        compound,
        row_number() over (
            partition by interaction_id, speaker order by turn_index
        ) as speaker_turn_number,
        row_number() over (
            partition by interaction_id, speaker order by turn_index desc
        ) as speaker_turn_number_from_end
    from turn_sentiment
),

per_interaction as (
    select
        interaction_id,
        any_value(compound) filter (
            where speaker = 'customer' and speaker_turn_number = 1
        ) as customer_sentiment_start,
        any_value(compound) filter (
            where speaker = 'customer' and speaker_turn_number_from_end = 1
        ) as customer_sentiment_end,
        min(compound) filter (where speaker = 'customer') as customer_sentiment_min,
        avg(compound) filter (where speaker = 'customer') as customer_sentiment_mean,
        avg(compound) filter (where speaker = 'agent') as agent_sentiment_mean,
        count(*) filter (where speaker = 'customer') as customer_turns_count
    from turns_ordered
    group by interaction_id
),

final as (
    select
        interaction_id,
        customer_sentiment_start,
        customer_sentiment_end,
        customer_sentiment_min,
        customer_sentiment_mean,
        customer_sentiment_end - customer_sentiment_start as customer_sentiment_change,
        agent_sentiment_mean,
        customer_turns_count
    from per_interaction
)

select * from final

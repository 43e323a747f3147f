-- Every measure an `auto` rule condition may name, long: one row per interaction × measure
-- with a value (text measures in text_value, numbers and yes/no flags as 1/0 in
-- number_value). The measures are the interaction's columns, the transcript's turn count and,
-- when present, the columns of int_interaction_sentiment and int_interaction_friction. The
-- list a form may name is AUTO_RULE_MEASURES in orchestration/ingest/auto_rules.py; a test
-- checks it against this model's measures.
{#- the columns of `numbers`, each a measure -#}
{%- set number_measures = [
    'queue_seconds', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds',
    'handle_seconds', 'hold_count', 'transfer_count', 'is_resolved', 'turns_count',
    'customer_sentiment_start', 'customer_sentiment_end', 'customer_sentiment_min',
    'customer_sentiment_mean', 'customer_sentiment_change', 'agent_sentiment_mean',
    'customer_turns_count', 'has_escalation_request', 'has_repetition', 'has_long_hold',
    'has_transfer', 'dead_air_seconds', 'has_dead_air', 'is_repeat_contact',
    'has_negative_ending', 'anger_cues', 'frustration_cues', 'confusion_cues', 'gratitude_cues',
    'friction_score', 'is_high_friction'
] %}
-- depends_on: {{ ref('int_changed_interactions_and_repeats') }}
with interactions as (
    select * from {{ ref('stg_interactions') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

turns as (
    select * from {{ ref('int_transcript_turns') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

sentiment as (
    select * from {{ ref('int_interaction_sentiment') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

friction as (
    select * from {{ ref('int_interaction_friction') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

turn_counts as (
    select
        interaction_id,
        count(*) as turns_count
    from turns
    group by interaction_id
),

texts as (
    select
        interaction_id,
        channel,
        direction,
        queue,
        contact_reason,
        site
    from interactions
),

numbers as (
    select
        interactions.interaction_id,
        cast(interactions.queue_seconds as double) as queue_seconds,
        cast(interactions.talk_seconds as double) as talk_seconds,
        cast(interactions.hold_seconds as double) as hold_seconds,
        cast(interactions.after_contact_work_seconds as double) as after_contact_work_seconds,
        cast({{ handle_seconds('interactions') }} as double) as handle_seconds,
        cast(interactions.hold_count as double) as hold_count,
        cast(interactions.transfer_count as double) as transfer_count,
        cast(cast(interactions.is_resolved as integer) as double) as is_resolved,
        cast(turn_counts.turns_count as double) as turns_count,
        cast(sentiment.customer_sentiment_start as double) as customer_sentiment_start,
        cast(sentiment.customer_sentiment_end as double) as customer_sentiment_end,
        cast(sentiment.customer_sentiment_min as double) as customer_sentiment_min,
        cast(sentiment.customer_sentiment_mean as double) as customer_sentiment_mean,
        cast(sentiment.customer_sentiment_change as double) as customer_sentiment_change,
        cast(sentiment.agent_sentiment_mean as double) as agent_sentiment_mean,
        cast(sentiment.customer_turns_count as double) as customer_turns_count,
        cast(cast(friction.has_escalation_request as integer) as double)
            as has_escalation_request,
        cast(cast(friction.has_repetition as integer) as double) as has_repetition,
        cast(cast(friction.has_long_hold as integer) as double) as has_long_hold,
        cast(cast(friction.has_transfer as integer) as double) as has_transfer,
        cast(friction.dead_air_seconds as double) as dead_air_seconds,
        cast(cast(friction.has_dead_air as integer) as double) as has_dead_air,
        cast(cast(friction.is_repeat_contact as integer) as double) as is_repeat_contact,
        cast(cast(friction.has_negative_ending as integer) as double) as has_negative_ending,
        cast(friction.anger_cues as double) as anger_cues,
        cast(friction.frustration_cues as double) as frustration_cues,
        cast(friction.confusion_cues as double) as confusion_cues,
        cast(friction.gratitude_cues as double) as gratitude_cues,
        cast(friction.friction_score as double) as friction_score,
        cast(cast(friction.is_high_friction as integer) as double) as is_high_friction
    from interactions
    left join turn_counts
        on interactions.interaction_id = turn_counts.interaction_id
    left join sentiment
        on interactions.interaction_id = sentiment.interaction_id
    left join friction
        on interactions.interaction_id = friction.interaction_id
),

text_measures as (
    {{ unpivot('texts', ['channel', 'direction', 'queue', 'contact_reason', 'site'],
        'measure', 'text_value') }}
),

number_measures as (
    {{ unpivot('numbers', number_measures, 'measure', 'number_value') }}
),

final as (
    select
        interaction_id,
        measure,
        cast(null as double) as number_value,
        cast(text_value as string) as text_value
    from text_measures
    union all
    select
        interaction_id,
        measure,
        number_value,
        cast(null as string) as text_value
    from number_measures
)

select * from final

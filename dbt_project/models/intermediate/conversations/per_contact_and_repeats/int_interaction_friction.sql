-- Friction and emotion of every contact with a transcript: the flags (escalation request,
-- repetition, long hold, transfer, dead air, repeat contact, negative ending), the customer's
-- emotion cue counts and one friction_score (0-100). Thresholds and weights are the project
-- vars under `conversation:`; every definition is written out in _friction.yml.
{%- set conversation = var('conversation') %}
{%- set weights = conversation['friction_weights'] %}
{%- set cap = conversation['cue_cap'] %}

-- depends_on: {{ ref('int_changed_interactions_and_repeats') }}
with turns as (
    select * from {{ ref('int_transcript_turns') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

turn_cues as (
    select * from {{ ref('int_turn_cues') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

turn_sentiment as (
    select * from {{ ref('int_turn_sentiment') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

interaction_sentiment as (
    select * from {{ ref('int_interaction_sentiment') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

interactions as (
    select * from {{ ref('stg_interactions') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

repeat_contacts as (
    select * from {{ ref('int_interaction_repeats') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

contacts as (
    select
        interaction_id,
        any_value(channel) as channel
    from turns
    group by interaction_id
),

-- A customer turn that voices anger, frustration or an escalation, or scores negative: its
-- "thanks" is politeness or sarcasm ("thanks for nothing"), not gratitude.
negative_customer_turns as (
    select distinct
        turn_cues.interaction_id,
        turn_cues.turn_index
    from turn_cues
    where
        turn_cues.speaker = 'customer'
        and turn_cues.cue_kind in ('anger', 'frustration', 'escalation')
    union
    select
        interaction_id,
        turn_index
    from turn_sentiment
    where speaker = 'customer' and compound <= {{ conversation['negative_ending_compound'] }}
),

counted_cues as (
    select
        turn_cues.*,
        negative_customer_turns.turn_index is not null as in_negative_turn
    from turn_cues
    left join negative_customer_turns
        on turn_cues.interaction_id = negative_customer_turns.interaction_id
        and turn_cues.turn_index = negative_customer_turns.turn_index
    where not (turn_cues.cue_kind = 'gratitude' and negative_customer_turns.turn_index is not null)
),

cue_counts as (
    select
        interaction_id,
        {%- for kind in ['escalation', 'repetition', 'anger', 'frustration', 'confusion', 'gratitude'] %}
        count(*) filter (where speaker = 'customer' and cue_kind = '{{ kind }}') as {{ kind }}_cues,
        {%- endfor %}
        count(*) filter (where speaker = 'agent' and cue_kind = 'apology') as agent_apology_cues,
        count(*) filter (where cue_kind = 'transfer') as transfer_cues
    from counted_cues
    group by interaction_id
),

last_customer_turns as (
    select
        interaction_id,
        max(turn_index) as turn_index
    from turns
    where speaker = 'customer'
    group by interaction_id
),

grateful_endings as (
    select distinct counted_cues.interaction_id
    from counted_cues
    inner join last_customer_turns
        on counted_cues.interaction_id = last_customer_turns.interaction_id
        and counted_cues.turn_index = last_customer_turns.turn_index
    where counted_cues.cue_kind = 'gratitude'
),

-- Restating: two customer turns whose sets of content words overlap by Jaccard >= the var.
stop_words as (
    {%- set stop_words = [
        'i', 'me', 'my', 'im', "i'm", "i've", "i'd", "i'll", 'you', 'your', 'we', 'our', 'it',
        "it's", 'its', 'is', 'are', 'was', 'were', 'be', 'been', 'am', 'a', 'an', 'the', 'and',
        'or', 'but', 'to', 'of', 'in', 'on', 'at', 'for', 'with', 'this', 'that', 'what',
        'so', 'do', 'did', 'can', 'just', 'please', 'have', 'has', 'had', 'there', 'they',
        'he', 'she', 'them', 'ok', 'okay', 'yes', 'no', 'hi', 'hello', 'thanks', 'thank'
    ] %}
    select {{ unnest_list(dbt.array_construct(sql_strings(stop_words)), 'word') }}
),

customer_words as (
    select
        interaction_id,
        turn_index,
        {{ unnest_list("array_distinct(split(trim(match_text), ' '))", 'word') }}
    from turns
    where speaker = 'customer'
),

content_words as (
    select customer_words.*
    from customer_words
    anti join stop_words
        on customer_words.word = stop_words.word
    where customer_words.word != ''
),

turn_sizes as (
    select
        interaction_id,
        turn_index,
        count(*) as words
    from content_words
    group by interaction_id, turn_index
    having count(*) >= {{ conversation['restatement_min_words'] }}
),

sized_words as (
    select content_words.*, turn_sizes.words
    from content_words
    inner join turn_sizes
        on content_words.interaction_id = turn_sizes.interaction_id
        and content_words.turn_index = turn_sizes.turn_index
),

turn_pairs as (
    select
        earlier.interaction_id,
        earlier.turn_index as earlier_turn_index,
        later.turn_index as later_turn_index,
        count(*) / (any_value(earlier.words) + any_value(later.words) - count(*)) as jaccard
    from sized_words as earlier
    inner join sized_words as later
        on earlier.interaction_id = later.interaction_id
        and earlier.word = later.word
        and earlier.turn_index < later.turn_index
    group by earlier.interaction_id, earlier.turn_index, later.turn_index
),

restatements as (
    select
        interaction_id,
        count(*) as restated_turn_pairs
    from turn_pairs
    where jaccard >= {{ conversation['restatement_min_jaccard'] }}
    group by interaction_id
),

holds as (
    select
        turn_cues.interaction_id,
        max(turns.end_offset_ms - turns.begin_offset_ms) / cast(1000 as double) as longest_hold_seconds
    from turn_cues
    inner join turns
        on turn_cues.interaction_id = turns.interaction_id
        and turn_cues.turn_index = turns.turn_index
    where turn_cues.cue_kind = 'hold'
    group by turn_cues.interaction_id
),

-- Dead air (voice): silence between the end of a turn and the start of the next one.
turn_gaps as (
    select
        interaction_id,
        channel,
        begin_offset_ms,
        (lead(begin_offset_ms) over (partition by interaction_id order by turn_index)
            - end_offset_ms) / cast(1000 as double) as gap_seconds
    from turns
    where channel = 'voice'
),

dead_air as (
    select
        interaction_id,
        coalesce(sum(gap_seconds) filter (
            where gap_seconds > {{ conversation['dead_air_gap_seconds'] }}
        ), 0) as dead_air_seconds
    from turn_gaps
    group by interaction_id
    having count(begin_offset_ms) > 0
),

flags as (
    select
        contacts.interaction_id,
        contacts.channel,
        coalesce(cue_counts.escalation_cues, 0) > 0 as has_escalation_request,
        coalesce(cue_counts.repetition_cues, 0) as repetition_cues,
        coalesce(restatements.restated_turn_pairs, 0) as restated_turn_pairs,
        coalesce(cue_counts.repetition_cues, 0) > 0
            or coalesce(restatements.restated_turn_pairs, 0) > 0 as has_repetition,
        holds.longest_hold_seconds,
        coalesce(interactions.hold_seconds, 0) > {{ conversation['long_hold_seconds'] }}
            or coalesce(holds.longest_hold_seconds, 0)
            > {{ conversation['long_single_hold_seconds'] }} as has_long_hold,
        coalesce(interactions.transfer_count, 0) > 0
            or coalesce(cue_counts.transfer_cues, 0) > 0 as has_transfer,
        dead_air.dead_air_seconds,
        coalesce(dead_air.dead_air_seconds, 0) > 0 as has_dead_air,
        coalesce(repeat_contacts.is_repeat_contact, false) as is_repeat_contact,
        coalesce(repeat_contacts.has_repeat_within_7_days, false) as has_repeat_within_7_days,
        coalesce(
            interaction_sentiment.customer_sentiment_end
            <= {{ conversation['negative_ending_compound'] }},
            false
        ) as has_negative_ending,
        coalesce(cue_counts.anger_cues, 0) as anger_cues,
        coalesce(cue_counts.frustration_cues, 0) as frustration_cues,
        coalesce(cue_counts.confusion_cues, 0) as confusion_cues,
        coalesce(cue_counts.gratitude_cues, 0) as gratitude_cues,
        coalesce(cue_counts.agent_apology_cues, 0) as agent_apology_cues,
        grateful_endings.interaction_id is not null
            and coalesce(cue_counts.anger_cues, 0) = 0
            and coalesce(cue_counts.escalation_cues, 0) = 0 as has_satisfied_ending,
        interaction_sentiment.customer_sentiment_min,
        interaction_sentiment.customer_sentiment_end
    from contacts
    left join interactions on contacts.interaction_id = interactions.interaction_id
    left join cue_counts on contacts.interaction_id = cue_counts.interaction_id
    left join restatements on contacts.interaction_id = restatements.interaction_id
    left join holds on contacts.interaction_id = holds.interaction_id
    left join dead_air on contacts.interaction_id = dead_air.interaction_id
    left join repeat_contacts on contacts.interaction_id = repeat_contacts.interaction_id
    left join interaction_sentiment
        on contacts.interaction_id = interaction_sentiment.interaction_id
    left join grateful_endings on contacts.interaction_id = grateful_endings.interaction_id
),

scored as (
    select
        *,
        {{ weights['negative_min_sentiment'] }}
        * greatest(0, -coalesce(customer_sentiment_min, 0))
        + {{ weights['negative_end_sentiment'] }}
        * greatest(0, -coalesce(customer_sentiment_end, 0))
        + {{ weights['escalation_request'] }} * has_escalation_request::int
        + {{ weights['repetition'] }} * has_repetition::int
        + {{ weights['anger'] }} * least(anger_cues, {{ cap }}) / {{ cap }}
        + {{ weights['frustration'] }} * least(frustration_cues, {{ cap }}) / {{ cap }}
        + {{ weights['confusion'] }} * least(confusion_cues, {{ cap }}) / {{ cap }}
        + {{ weights['long_hold'] }} * has_long_hold::int
        + {{ weights['transfer'] }} * has_transfer::int
        + {{ weights['dead_air'] }} * has_dead_air::int
        + {{ weights['repeat_contact'] }} * is_repeat_contact::int
        - {{ weights['satisfied_ending'] }} * has_satisfied_ending::int as friction_points
    from flags
),

final as (
    select
        interaction_id,
        channel,
        has_escalation_request,
        has_repetition,
        repetition_cues,
        restated_turn_pairs,
        has_long_hold,
        longest_hold_seconds,
        has_transfer,
        dead_air_seconds,
        has_dead_air,
        is_repeat_contact,
        has_repeat_within_7_days,
        has_negative_ending,
        anger_cues,
        frustration_cues,
        confusion_cues,
        gratitude_cues,
        agent_apology_cues,
        has_satisfied_ending,
        round(least(100, greatest(0, friction_points)), 2) as friction_score,
        least(100, greatest(0, friction_points)) >= {{ conversation['high_friction_score'] }}
            as is_high_friction
    from scored
)

select * from final

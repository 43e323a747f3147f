-- Every transcript turn of a handled contact with the text the phrase matchers read
-- (match_text) and its time from the start of the contact. The one input of sentiment,
-- conversation cues and machine scoring.
-- depends_on: {{ ref('int_changed_interactions') }}
with turns as (
    select * from {{ ref('stg_transcripts') }}
    {{ only_changed_interactions() }}
),

interactions as (
    select * from {{ ref('stg_interactions') }}
    {{ only_changed_interactions() }}
),

final as (
    select
        turns.interaction_id,
        turns.turn_index,
        turns.speaker,
        turns.begin_offset_ms,
        turns.end_offset_ms,
        turns.begin_offset_ms / cast(1000 as double) as begin_seconds,
        turns.turn_text,
        {{ match_text('turns.turn_text') }} as match_text,
        interactions.channel,
        row_number() over (
            partition by turns.interaction_id order by turns.turn_index
        ) as turn_number
    from turns
    inner join interactions
        on turns.interaction_id = interactions.interaction_id
)

select * from final

-- Every conversation cue (seed conversation_cues) found in a turn: a phrase of the turn's
-- speaker that the turn says on whole words (int_turn_phrase_hits), not negated there ("not
-- frustrated", "no thank you"; a phrase that starts with a negator always counts). Of two
-- phrases of one kind found in the same turn where one contains the other ("escalate",
-- "escalate this"), only the longer is kept, so a cue is counted once.
-- depends_on: {{ ref('int_changed_interactions') }}
with phrase_hits as (
    select * from {{ ref('int_turn_phrase_hits') }}
    {{ only_changed_interactions() }}
),

cues as (
    select * from {{ ref('conversation_cues') }}
),

not_negated as (
    select
        phrase_hits.interaction_id,
        phrase_hits.turn_index,
        phrase_hits.speaker,
        cues.cue_kind,
        cues.phrase,
        phrase_hits.match_phrase
    from phrase_hits
    inner join cues
        on phrase_hits.phrase_speaker = cues.speaker
        and phrase_hits.match_phrase = {{ match_text('cues.phrase') }}
    where not phrase_hits.is_negated
),

contained as (
    select distinct
        shorter.interaction_id,
        shorter.turn_index,
        shorter.cue_kind,
        shorter.phrase
    from not_negated as shorter
    inner join not_negated as longer
        on shorter.interaction_id = longer.interaction_id
        and shorter.turn_index = longer.turn_index
        and shorter.cue_kind = longer.cue_kind
        and shorter.phrase != longer.phrase
    where contains(longer.match_phrase, shorter.match_phrase)
),

longest as (
    select not_negated.*
    from not_negated
    anti join contained
        on not_negated.interaction_id = contained.interaction_id
        and not_negated.turn_index = contained.turn_index
        and not_negated.cue_kind = contained.cue_kind
        and not_negated.phrase = contained.phrase
),

final as (
    select
        interaction_id,
        turn_index,
        speaker,
        cue_kind,
        phrase
    from longest
)

select * from final

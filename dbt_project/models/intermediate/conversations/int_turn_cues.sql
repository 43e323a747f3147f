-- Every conversation cue (seed conversation_cues) found in a turn: a phrase of the turn's
-- speaker that the turn contains on whole words (both sides normalised by match_text). A
-- phrase is not counted where a negator stands up to two words before its first occurrence
-- ("not frustrated", "no thank you"), unless the phrase itself starts with one ("not happy",
-- "no help"). Of two phrases of one kind found in the same turn where one contains the other
-- ("escalate", "escalate this"), only the longer is kept, so a cue is counted once.
{#- Apostrophes doubled: the list is written into SQL string literals. -#}
{% set negators = "not|no|nor|without|hardly|isn''t|isnt|wasn''t|wasnt|aren''t|arent|weren''t|don''t|dont|doesn''t|doesnt|didn''t|didnt|never" %}

with turns as (
    select * from {{ ref('int_transcript_turns') }}
),

cues as (
    select * from {{ ref('conversation_cues') }}
),

cue_phrases as (
    select
        cue_kind,
        speaker,
        phrase,
        {{ match_text('phrase') }} as match_phrase,
        regexp_matches({{ match_text('phrase') }}, '^ ({{ negators }}) ') as starts_with_negator,
    from cues
),

-- Only a turn holding every word of a phrase can hold the phrase: a hash join on one of its
-- words, the longest (likely the rarest: "manager" in "speak to a manager"), narrows turns x
-- phrases to a few candidates before the whole phrase is looked for.
phrase_words as (
    select
        cue_kind,
        speaker,
        phrase,
        unnest(string_split(trim(match_phrase), ' ')) as word,
    from cue_phrases
),

phrase_anchors as (
    select
        cue_kind,
        speaker,
        phrase,
        arg_max(word, length(word)) as anchor_word,
    from phrase_words
    group by cue_kind, speaker, phrase
),

anchored_phrases as (
    select
        cue_phrases.*,
        phrase_anchors.anchor_word,
    from cue_phrases
    inner join phrase_anchors
        on cue_phrases.cue_kind = phrase_anchors.cue_kind
        and cue_phrases.speaker = phrase_anchors.speaker
        and cue_phrases.phrase = phrase_anchors.phrase
),

turn_words as (
    select distinct
        interaction_id,
        turn_index,
        speaker,
        unnest(string_split(trim(match_text), ' ')) as word,
    from turns
),

candidates as (
    select
        turn_words.interaction_id,
        turn_words.turn_index,
        turn_words.speaker,
        anchored_phrases.cue_kind,
        anchored_phrases.phrase,
        anchored_phrases.match_phrase,
        anchored_phrases.starts_with_negator,
    from turn_words
    inner join anchored_phrases
        on turn_words.speaker = anchored_phrases.speaker
        and turn_words.word = anchored_phrases.anchor_word
),

matches as (
    select
        candidates.*,
        turns.match_text,
    from candidates
    inner join turns
        on candidates.interaction_id = turns.interaction_id
        and candidates.turn_index = turns.turn_index
    where contains(turns.match_text, candidates.match_phrase)
),

-- Negated: a negator ends the text before the phrase's first occurrence, at most two words
-- back; "never" only right before it ("never been so frustrated" is no denial).
not_negated as (
    select * from matches
    where
        starts_with_negator
        or not regexp_matches(
            left(match_text, strpos(match_text, match_phrase)),
            ' (({{ negators | replace("|never", "") }})( [a-z0-9'']+){0,2}|never) $'
        )
),

contained as (
    select distinct
        shorter.interaction_id,
        shorter.turn_index,
        shorter.cue_kind,
        shorter.phrase,
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
        phrase,
    from longest
)

select * from final

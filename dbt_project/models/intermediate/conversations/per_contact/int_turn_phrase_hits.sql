-- Every turn that says a listed phrase on whole words: the phrases of the conversation cues
-- and of the `auto` rules, each looked for in the turns of the speaker it is listed for
-- (`any`: every turn). One row per turn and (listed speaker, phrase); the cues and the rule
-- hits read it, so every phrase is matched once, in one place.
--
-- Only a turn holding the phrase's longest word (its anchor, likely the rarest: "manager" in
-- "speak to a manager") can hold the phrase: the turns' words are joined to the few anchor
-- words (a hash join that keeps a few turns per phrase) before the whole phrase is looked for,
-- instead of every turn against every phrase.
{#- Apostrophes doubled: the list is written into SQL string literals. -#}
{% set negators = "not|no|nor|without|hardly|isn''t|isnt|wasn''t|wasnt|aren''t|arent|weren''t|don''t|dont|doesn''t|doesnt|didn''t|didnt|never" %}

-- depends_on: {{ ref('int_changed_interactions') }}
with turns as (
    select * from {{ ref('int_transcript_turns') }}
    {{ only_changed_interactions() }}
),

cues as (
    select * from {{ ref('conversation_cues') }}
),

rule_phrases as (
    select * from {{ ref('int_auto_rule_phrases') }}
),

phrases as (
    select distinct
        speaker,
        match_phrase
    from (
        select speaker, {{ match_text('phrase') }} as match_phrase from cues
        union all
        select speaker, match_phrase from rule_phrases
    )
    where trim(match_phrase) != ''
),

anchored_phrases as (
    select
        speaker,
        match_phrase,
        {{ longest_word('match_phrase') }} as anchor_word,
        {{ regexp_found('match_phrase', "'^ (" ~ negators ~ ") '") }} as starts_with_negator
    from phrases
),

anchor_words as (
    select distinct anchor_word from anchored_phrases
),

-- the turn's columns travel with its words (cheaper than joining the turns back)
turn_words as (
    select
        interaction_id,
        turn_index,
        turn_number,
        begin_seconds,
        speaker,
        match_text,
        {{ unnest_list("array_distinct(split(trim(match_text), ' '))", 'word') }}
    from turns
),

turn_anchors as (
    select *
    from turn_words
    semi join anchor_words
        on turn_words.word = anchor_words.anchor_word
),

candidates as (
    select
        turn_anchors.interaction_id,
        turn_anchors.turn_index,
        turn_anchors.turn_number,
        turn_anchors.begin_seconds,
        turn_anchors.speaker,
        turn_anchors.match_text,
        anchored_phrases.speaker as phrase_speaker,
        anchored_phrases.match_phrase,
        anchored_phrases.starts_with_negator
    from turn_anchors
    inner join anchored_phrases
        on turn_anchors.word = anchored_phrases.anchor_word
        and anchored_phrases.speaker in (turn_anchors.speaker, 'any')
),

-- Negated: a negator ends the text before the phrase's first occurrence, at most two words
-- back ("never" only right before it: "never been so frustrated" is no denial), and the
-- phrase does not itself start with one ("not happy", "no one").
final as (
    select
        interaction_id,
        turn_index,
        turn_number,
        begin_seconds,
        speaker,
        phrase_speaker,
        match_phrase,
        not starts_with_negator and {{ regexp_found(
            'left(match_text, instr(match_text, match_phrase))',
            "' ((" ~ negators | replace('|never', '') ~ ")( [a-z0-9'']+){0,2}|never) $'"
        ) }} as is_negated
    from candidates
    where contains(match_text, match_phrase)
)

select * from final

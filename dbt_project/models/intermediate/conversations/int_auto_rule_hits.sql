-- Every turn that says a phrase of an `auto` rule (its own phrase or an event's), for the
-- rules of the form version in force for the contact: one row per contact, rule, phrase
-- role and turn. Matching runs once per distinct (speaker, phrase) and is then mapped back
-- to the rules; int_auto_answers reads the hits.
with turns as (
    select * from {{ ref('int_transcript_turns') }}
),

rule_phrases as (
    select * from {{ ref('int_auto_rule_phrases') }}
),

interaction_forms as (
    select * from {{ ref('int_auto_interaction_forms') }}
),

-- phrase matching once per distinct (speaker, phrase), then mapped back to the rules
distinct_phrases as (
    select distinct
        speaker,
        match_phrase,
    from rule_phrases
),

-- turns matched with the phrases of their speaker (an equality join) and of speaker `any`
turn_phrase_pairs as (
    select
        turns.interaction_id,
        turns.turn_index,
        turns.turn_number,
        turns.begin_seconds,
        turns.match_text,
        distinct_phrases.speaker,
        distinct_phrases.match_phrase,
    from turns
    inner join distinct_phrases
        on turns.speaker = distinct_phrases.speaker
    union all
    select
        turns.interaction_id,
        turns.turn_index,
        turns.turn_number,
        turns.begin_seconds,
        turns.match_text,
        distinct_phrases.speaker,
        distinct_phrases.match_phrase,
    from turns
    cross join distinct_phrases
    where distinct_phrases.speaker = 'any'
),

phrase_hits as (
    select
        interaction_id,
        turn_index,
        turn_number,
        begin_seconds,
        speaker,
        match_phrase,
    from turn_phrase_pairs
    where contains(match_text, match_phrase)
),

-- each hit mapped to the rules that list its phrase, kept when the rule belongs to the form
-- version in force for the contact (hits first: far fewer rows than contacts × phrases)
rule_hits as (
    select distinct
        phrase_hits.interaction_id,
        rule_phrases.form_id,
        rule_phrases.form_version,
        rule_phrases.question_id,
        rule_phrases.phrase_role,
        phrase_hits.turn_index,
        phrase_hits.turn_number,
        phrase_hits.begin_seconds,
    from phrase_hits
    inner join rule_phrases
        on phrase_hits.speaker = rule_phrases.speaker
        and phrase_hits.match_phrase = rule_phrases.match_phrase
    inner join interaction_forms
        on phrase_hits.interaction_id = interaction_forms.interaction_id
        and rule_phrases.form_id = interaction_forms.form_id
        and rule_phrases.form_version = interaction_forms.form_version
)

select * from rule_hits

-- Every turn that says a phrase of an `auto` rule (its own phrase or an event's), for the
-- rules of the form version in force for the contact: one row per contact, rule, phrase
-- role and turn. The phrases are matched in int_turn_phrase_hits (once per distinct speaker
-- and phrase, with the cues); int_auto_answers reads the hits.
-- depends_on: {{ ref('int_changed_interactions') }}
with phrase_hits as (
    select * from {{ ref('int_turn_phrase_hits') }}
    {{ only_changed_interactions() }}
),

rule_phrases as (
    select * from {{ ref('int_auto_rule_phrases') }}
),

interaction_forms as (
    select * from {{ ref('int_auto_interaction_forms') }}
    {{ only_changed_interactions() }}
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
        phrase_hits.begin_seconds
    from phrase_hits
    inner join rule_phrases
        on phrase_hits.phrase_speaker = rule_phrases.speaker
        and phrase_hits.match_phrase = rule_phrases.match_phrase
    inner join interaction_forms
        on phrase_hits.interaction_id = interaction_forms.interaction_id
        and rule_phrases.form_id = interaction_forms.form_id
        and rule_phrases.form_version = interaction_forms.form_version
)

select * from rule_hits

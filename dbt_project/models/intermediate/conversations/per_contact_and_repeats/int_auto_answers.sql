-- The machine's answer to every question with an `auto` rule (int_auto_answer_outcomes),
-- with its evidence as text: the deciding turn's text, else the sentence that decided it.
-- depends_on: {{ ref('int_changed_interactions_and_repeats') }}
with outcomes as (
    select * from {{ ref('int_auto_answer_outcomes') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

turns as (
    select * from {{ ref('int_transcript_turns') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

final as (
    select
        outcomes.evaluation_id,
        outcomes.revision,
        outcomes.question_id,
        outcomes.answer,
        outcomes.evidence_turn_index,
        coalesce(turns.turn_text, outcomes.evidence_sentence) as evidence_text,
        outcomes.outcome,
        outcomes.form_id,
        outcomes.form_version,
        outcomes.interaction_id
    from outcomes
    left join turns
        on outcomes.interaction_id = turns.interaction_id
        and outcomes.evidence_turn_index = turns.turn_index
)

select * from final

-- One row per transcript turn of a known contact: its text as stored (personal data
-- redacted at ingest), its sentiment (VADER compound), the conversation cues it carries and
-- the questions the machine answered on its strength.
-- What the interaction view shows, and what an analyst reads behind a flag.
-- Incremental per contact, as the models it reads (macros/incremental_by_interaction.sql).
-- A contract needs on_schema_change `fail`: a changed project is built in full anyway.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'changed_rows': {'model': 'int_changed_interactions_and_repeats', 'key': 'interaction_id'}},
    pre_hook="{{ delete_changed_rows() }}",
) }}
-- depends_on: {{ ref('int_changed_interactions_and_repeats') }}
with turns as (
    select * from {{ ref('int_transcript_turns') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

sentiment as (
    select * from {{ ref('int_turn_sentiment') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
),

cues as (
    select
        interaction_id,
        turn_index,
        -- a sorted list joined: much cheaper than an ordered string_agg at millions of turns
        {{ sorted_list_text('cue_kind', distinct=true) }} as cues
    from {{ ref('int_turn_cues') }}
    {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
    group by interaction_id, turn_index
),

-- the questions the machine answered on the strength of this turn
machine_evidence as (
    select
        interaction_id,
        evidence_turn_index as turn_index,
        {{ sorted_list_text('question_id') }} as machine_evidence_for
    from (
        select * from {{ ref('int_auto_answers') }}
        {{ only_changed_interactions('int_changed_interactions_and_repeats') }}
    )
    where evidence_turn_index is not null
    group by interaction_id, evidence_turn_index
),

final as (
    select
        turns.interaction_id,
        turns.turn_index,
        turns.turn_number,
        turns.speaker,
        turns.begin_seconds,
        turns.end_offset_ms / cast(1000 as double) as end_seconds,
        turns.turn_text,
        sentiment.compound as sentiment,
        cues.cues,
        machine_evidence.machine_evidence_for
    from turns
    left join sentiment
        on turns.interaction_id = sentiment.interaction_id
        and turns.turn_index = sentiment.turn_index
    left join cues
        on turns.interaction_id = cues.interaction_id
        and turns.turn_index = cues.turn_index
    left join machine_evidence
        on turns.interaction_id = machine_evidence.interaction_id
        and turns.turn_index = machine_evidence.turn_index
)

select * from final

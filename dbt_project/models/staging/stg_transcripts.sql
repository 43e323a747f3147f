-- A table, unlike the other staging models: the restatement window over every turn runs
-- once, not again in each of its tests and in int_transcript_turns. Built per contact and
-- incrementally, as the models that read it (macros/incremental_by_interaction.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    meta={'changed_rows': {'model': 'int_changed_interactions', 'key': 'interaction_id'}},
    pre_hook="{{ delete_changed_rows() }}",
) }}

-- depends_on: {{ ref('int_changed_interactions') }}
with source as (
    select * from {{ source('raw', 'transcripts') }}
    {{ only_changed_interactions() }}
),

latest as (
    select * from source
    {{ latest_row(['interaction_id', 'turn_index']) }}
),

renamed as (
    select
        interaction_id,
        turn_index,
        speaker,
        begin_offset_ms,
        end_offset_ms,
        text as turn_text
    from latest
)

select * from renamed

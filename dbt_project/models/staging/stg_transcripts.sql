-- A table, unlike the other staging models: the restatement window over every turn runs
-- once, not again in each of its tests and in int_transcript_turns.
{{ config(materialized='table') }}

with source as (
    select * from {{ source('raw', 'transcripts') }}
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
        text as turn_text,
    from latest
)

select * from renamed

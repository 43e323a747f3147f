-- The contacts whose rows a load after the previous successful build added or restated
-- (var changed_since_load, see macros/incremental_by_interaction.sql): the work of an
-- incremental build of the transcript chain. Rebuilt by every build.
with changed_rows as (
    select interaction_id from {{ source('raw', 'interactions') }}
    where _load_sequence > {{ changed_since_load() }}
    union all
    select interaction_id from {{ source('raw', 'transcripts') }}
    where _load_sequence > {{ changed_since_load() }}
)

select distinct interaction_id from changed_rows

with source as (
    select * from {{ source('raw', 'quality_targets') }}
),

latest as (
    select * from source
    {{ latest_row(['metric', 'segment', 'effective_from']) }}
),

renamed as (
    select
        metric,
        segment,
        split_part(segment, ':', 1) as segment_kind,
        nullif(substr(segment, length(split_part(segment, ':', 1)) + 2), '') as segment_value,
        target,
        direction,
        effective_from
    from latest
)

select * from renamed

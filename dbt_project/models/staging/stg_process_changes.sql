with source as (
    select * from {{ source('raw', 'process_changes') }}
),

latest as (
    select * from source
    {{ latest_row(['change_id']) }}
),

renamed as (
    select
        change_id,
        effective_at,
        scope,
        split_part(scope, ':', 1) as scope_kind,
        nullif(substr(scope, length(split_part(scope, ':', 1)) + 2), '') as scope_value,
        description
    from latest
)

select * from renamed

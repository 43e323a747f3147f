with source as (
    select * from {{ source('raw', 'forms') }}
),

renamed as (
    select
        form_id,
        form_version,
        form_name,
        effective_from,
        definition
    from source
)

select * from renamed

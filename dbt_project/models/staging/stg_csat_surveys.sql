with source as (
    select * from {{ source('raw', 'csat_surveys') }}
),

latest as (
    select * from source
    {{ latest_row(['survey_id']) }}
),

renamed as (
    select
        survey_id,
        interaction_id,
        responded_at,
        csat,
        nps,
        customer_reported_resolved as is_customer_reported_resolved,
        comment as survey_comment
    from latest
)

select * from renamed

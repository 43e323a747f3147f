with source as (
    select * from {{ source('raw', 'form_questions') }}
),

renamed as (
    select
        form_id,
        form_version,
        section_id,
        section_position,
        section_weight,
        question_id,
        question_position,
        question_text,
        question_type,
        max_points,
        question_weight,
        critical as critical_level,
        na_allowed as is_na_allowed,
        auto_rule
    from source
)

select * from renamed

with source as (
    select * from {{ source('raw', 'evaluation_answers') }}
),

latest as (
    select * from source
    {{ latest_row(['evaluation_id', 'revision', 'question_id']) }}
),

renamed as (
    select
        evaluation_id,
        revision,
        question_id,
        lower(answer) as answer,
        comment as answer_comment
    from latest
)

select * from renamed

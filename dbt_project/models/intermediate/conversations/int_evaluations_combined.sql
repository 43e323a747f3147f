-- Human evaluations (staging) and machine evaluations (int_auto_evaluations) in one shape:
-- what the scoring models score. int_auto_evaluations is written with stg_evaluations'
-- columns; the union matches them by name.
with human as (
    select * from {{ ref('stg_evaluations') }}
),

machine as (
    select * from {{ ref('int_auto_evaluations') }}
),

final as (
    select * from human
    union all by name
    select * from machine
)

select * from final

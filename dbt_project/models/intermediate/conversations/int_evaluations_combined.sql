-- Human evaluations (staging) and machine evaluations (int_auto_evaluations) in one shape:
-- what the scoring models score. int_auto_evaluations is written with stg_evaluations'
-- columns; the union lines them up by name.
-- Incremental per evaluation (dbt_project.yml, macros/incremental_by_interaction.sql).
-- depends_on: {{ ref('int_changed_evaluations') }}
with human as (
    select * from {{ ref('stg_evaluations') }}
    {{ only_changed_evaluations() }}
),

machine as (
    select * from {{ ref('int_auto_evaluations') }}
    {{ only_changed_evaluations() }}
),

{%- set columns = column_names(ref('stg_evaluations')) %}
final as (
    select {{ columns }} from human
    union all
    select {{ columns }} from machine
)

select * from final

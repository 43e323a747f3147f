{{ config(materialized='view') }}
-- The observations of int_metric_observations repeated for every segment and grain their
-- metric is charted on (registry `segments` and `grains`): one row per observation and SPC
-- series, with the subgroup it falls in. A view: its two readers (int_spc_subgroups,
-- int_spc_engine_input) compute it faster than a table of every observation per series (83M
-- rows at a year's scale) is written and read back.
{%- set charted = [] %}
{%- for metric in var('metrics') %}
    {%- for segment in metric.segments %}
        {%- for grain in metric.grains %}
            {%- do charted.append(
                "('" ~ metric.metric ~ "', '" ~ metric.chart ~ "', '" ~ segment ~ "', '" ~ grain ~ "')"
            ) %}
        {%- endfor %}
    {%- endfor %}
{%- endfor %}
with observations as (
    select * from {{ ref('int_metric_observations') }}
),

charted (metric, chart, segment_kind, grain) as (
    values
    {{ charted | join(',\n    ') }}
),

grains (grain, date_part) as (
    values
    {%- for grain in var('spc')['grains'] %}
    ('{{ grain.grain }}', '{{ grain.date_part }}'){{ ',' if not loop.last }}
    {%- endfor %}
),

series_observations as (
    select
        observations.metric,
        observations.metric_detail,
        charted.chart,
        charted.grain,
        charted.segment_kind,
        {{ segment_value('charted.segment_kind', 'observations') }} as segment_value,
        cast(date_trunc(grains.date_part, observations.observed_at) as date) as subgroup_start,
        observations.value,
    from observations
    inner join charted using (metric)
    inner join grains using (grain)
),

final as (
    select
        concat_ws('|', metric, nullif(metric_detail, ''), grain, segment_kind, segment_value)
            as series_id,
        *,
    from series_observations
    where segment_value is not null
)

select * from final

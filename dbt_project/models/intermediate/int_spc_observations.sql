-- Every observation of every configured SPC metric (var `spc` in dbt_project.yml), repeated
-- for each segment and grain it is charted on: one long table the SPC marts read.
{%- set spc = var('spc') %}

{% for metric in spc['metrics'] %}
{{ 'union all' if not loop.first }}
select
    '{{ metric.metric }}' as metric,
    observed.metric_detail,
    '{{ metric.chart }}' as chart,
    grains.grain,
    observed.segment_kind,
    observed.segment_value,
    cast(date_trunc(grains.date_part, observed.observed_at) as date) as subgroup_start,
    observed.observed_value as value,
from (
    select
        cast({{ metric.at }} as timestamp) as observed_at,
        cast({{ metric.value }} as double) as observed_value,
        cast({{ metric.detail if metric.detail else "''" }} as varchar) as metric_detail,
        unnest([
            {%- for segment in metric.segments or spc['segments'] %}
            {
                segment_kind: '{{ segment }}',
                segment_value: cast({{ spc_segment_column(segment) }} as varchar)
            },
            {%- endfor %}
        ], recursive := true),
    from {{ ref(metric.model) }}
    where {{ metric.where }}
) as observed
cross join (
    {%- for grain in spc['grains'] %}
    {{ 'union all' if not loop.first }}
    select '{{ grain.grain }}' as grain, '{{ grain.date_part }}' as date_part
    {%- endfor %}
) as grains
where observed.segment_value is not null and observed.observed_at is not null
{% endfor %}

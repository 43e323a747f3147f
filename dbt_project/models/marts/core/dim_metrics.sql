-- The metric registry (var `metrics` in dbt_project.yml) as a table: what the dashboards
-- label, format and order metrics by, and what analysts read to know what a metric means.
with registry (
    metric, position, label, description, format, unit, direction, units, events,
    source_model, chart, segments, grains, has_target, complete_after_days, is_on_overview,
    detail_column
) as (
    values
    {%- for metric in var('metrics') %}
    (
        {{ sql_string(metric.metric) }}, {{ loop.index }}, {{ sql_string(metric.label) }},
        {{ sql_string(metric.description) }}, {{ sql_string(metric.format) }},
        {{ sql_string(metric.unit) }}, {{ sql_string(metric.direction) }},
        {{ sql_string(metric.units) }}, {{ sql_string(metric.events) }},
        {{ sql_string(metric.model) }}, {{ sql_string(metric.chart) }},
        {{ dbt.array_construct(sql_strings(metric.segments)) }},
        {{ dbt.array_construct(sql_strings(metric.grains)) }},
        {{ metric.target }}, {{ metric.complete_after_days }}, {{ metric.overview }},
        {{ sql_string(metric.detail) }}
    ){{ ',' if not loop.last }}
    {%- endfor %}
)

select * from registry

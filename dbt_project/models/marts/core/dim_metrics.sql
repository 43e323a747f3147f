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
        '{{ metric.metric }}', {{ loop.index }}, '{{ metric.label }}',
        '{{ metric.description | replace("'", "''") }}', '{{ metric.format }}',
        '{{ metric.unit }}', '{{ metric.direction }}', '{{ metric.units }}',
        {{ "'" ~ metric.events ~ "'" if metric.events else 'null' }}, '{{ metric.model }}',
        '{{ metric.chart }}', ['{{ metric.segments | join("', '") }}'],
        ['{{ metric.grains | join("', '") }}'], {{ metric.target }},
        {{ metric.complete_after_days }}, {{ metric.overview }},
        {{ "'" ~ metric.detail ~ "'" if metric.detail else 'null' }}
    ){{ ',' if not loop.last }}
    {%- endfor %}
)

select * from registry

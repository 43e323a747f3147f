-- Weekly quality against target: one row per ISO week, segment cell and metric of the
-- registry (var `metrics`; sub-series such as per-question rates are charted in the SPC
-- marts), for the whole centre and every site / team / channel combination ('All' where a
-- dimension is rolled up). Each row has the value, the units behind it, the target in force
-- (most specific segment first, then the latest) and whether the value meets it in the
-- target's direction. A metric is only split by the segments it is measured on (no team rows
-- for abandonment: an abandoned contact has no team). A week is complete for a metric when
-- all its days lie in the data and its data has had `complete_after_days` to arrive. The
-- dashboards select rows from here.
{%- set metrics = var('metrics') | rejectattr('detail') | list %}
with observations as (
    select
        metric,
        cast({{ dbt.date_trunc('week', 'observed_at') }} as date) as week_start,
        value,
        {{ segment_dimensions() }}
    from {{ ref('int_metric_observations') }}
    where metric_detail = ''
),

data_range as (
    select
        min(cast(observed_at as date)) as first_date,
        max(cast(arrived_at as date)) as as_of_date
    from {{ ref('int_metric_observations') }}
),

metric_segments (metric, format, complete_after_days, by_site, by_team, by_channel) as (
    values
    {%- for metric in metrics %}
    (
        '{{ metric.metric }}', '{{ metric.format }}', {{ metric.complete_after_days }},
        {{ 'site' in metric.segments }}, {{ 'team' in metric.segments }},
        {{ 'channel' in metric.segments }}
    ){{ ',' if not loop.last }}
    {%- endfor %}
),

cells as (
    select
        week_start,
        metric,
        {{ segment_cube_columns() }},
        avg(value) as value,
        count(*) as units
    from observations
    {{ segment_cube_group_by(['week_start', 'metric']) }}
),

measured_cells as (
    select cells.*, metric_segments.format, metric_segments.complete_after_days
    from cells
    inner join metric_segments using (metric)
    where (cells.site = 'All' or metric_segments.by_site)
        and (cells.team_id = 'All' or metric_segments.by_team)
        and (cells.channel = 'All' or metric_segments.by_channel)
),

targets as (
    {{ targets_in_force(
        'measured_cells', ['week_start', 'site', 'team_id', 'channel', 'metric'], 'metric',
        'week_start + 6',
        [{'kind': "'team'", 'value': 'team_id', 'specificity': 1},
         {'kind': "'site'", 'value': 'site', 'specificity': 2},
         {'kind': "'channel'", 'value': 'channel', 'specificity': 3},
         {'kind': "'all'", 'value': 'cast(null as string)', 'specificity': 9}]
    ) }}
),

final as (
    select
        measured_cells.week_start,
        cast({{ iso_year('measured_cells.week_start') }} as integer) as iso_year,
        cast(weekofyear(measured_cells.week_start) as integer) as iso_week,
        measured_cells.site,
        measured_cells.team_id,
        measured_cells.team_name,
        measured_cells.channel,
        measured_cells.metric,
        measured_cells.format,
        measured_cells.value,
        measured_cells.units,
        targets.target,
        targets.target_direction,
        targets.target_segment,
        {{ meets_target('measured_cells.value', 'targets.target', 'targets.target_direction') }}
            as is_target_met,
        measured_cells.week_start >= data_range.first_date
            and measured_cells.week_start + 6 + measured_cells.complete_after_days
                <= data_range.as_of_date as is_complete_week
    from measured_cells
    cross join data_range
    left join targets using (week_start, site, team_id, channel, metric)
)

select * from final

-- One row per point of every configured control chart (metric × segment × grain), with its
-- centre line and limits as computed by the SPC engine (macros/spc): limits come from the
-- first subgroups of each stage (less those beyond the limits, `baseline_exclusion_passes`
-- times) and are held after them; a recorded process change whose scope matches the series
-- starts a new stage with its own baseline.
{%- set spc = var('spc') %}
{%- set configured = spc['metrics'] | map(attribute='chart') | unique | list %}
{#- p and u series are also charted as Laney p′ / u′; the overdispersion of each series
    stage decides which one is kept (metric option `overdispersion`: auto, laney, plain). #}
{%- set laney = {'p': 'laney_p', 'u': 'laney_u'} %}
{%- set charts = configured.copy() %}
{%- for chart in configured if chart in laney %}{% do charts.append(laney[chart]) %}{% endfor %}
{%- set base_of = {'laney_p': 'p', 'laney_u': 'u'} %}

with observations as (
    select * from {{ ref('int_spc_observations') }}
),

process_changes as (
    select * from {{ ref('stg_process_changes') }}
),

series_observations as (
    select
        concat_ws('|', metric, nullif(metric_detail, ''), grain, segment_kind, segment_value)
            as series_id,
        *,
    from observations
),

subgroups as (
    select distinct series_id, segment_kind, segment_value, grain, subgroup_start
    from series_observations
),

staged as (
    select
        subgroups.series_id,
        subgroups.subgroup_start,
        1 + count(process_changes.change_id) as stage,
        arg_max(
            process_changes.change_id || ': ' || process_changes.description,
            process_changes.effective_at
        ) as stage_started_by,
    from subgroups
    left join process_changes
        on cast(process_changes.effective_at as date) <= subgroups.subgroup_start
        and (
            process_changes.scope_kind = 'all'
            or (
                process_changes.scope_kind = subgroups.segment_kind
                and process_changes.scope_value = subgroups.segment_value
            )
        )
    group by subgroups.series_id, subgroups.subgroup_start
),

baselined as (
    select
        staged.*,
        row_number() over (
            partition by staged.series_id, staged.stage order by staged.subgroup_start
        ) <= case subgroups.grain
            {%- for grain in spc['grains'] %}
            when '{{ grain.grain }}' then {{ grain.baseline_subgroups }}
            {%- endfor %}
        end as in_baseline,
    from staged
    inner join subgroups using (series_id, subgroup_start)
),

engine_input as (
    select
        series_observations.series_id,
        series_observations.chart as chart_type,
        baselined.stage,
        date_diff('day', date '2000-01-03', series_observations.subgroup_start) as subgroup_order,
        cast(series_observations.subgroup_start as varchar) as subgroup,
        series_observations.value,
        1.0 as size,
        baselined.in_baseline,
    from series_observations
    inner join baselined using (series_id, subgroup_start)
),

{%- set passes = spc.get('baseline_exclusion_passes', 0) %}
{%- for chart in charts %}
input_{{ chart }}_0 as (
    {%- if chart in ('p', 'np', 'c', 'u', 'laney_p', 'laney_u') %}
    select
        series_id, stage, subgroup_order, subgroup,
        sum(value) as value, sum(size) as size, bool_or(in_baseline) as in_baseline,
    from engine_input
    where chart_type = '{{ base_of.get(chart, chart) }}'
    group by series_id, stage, subgroup_order, subgroup
    {%- else %}
    select * exclude (chart_type) from engine_input where chart_type = '{{ chart }}'
    {%- endif %}
),

points_{{ chart }}_0 as (
    select * from ({{ spc_chart('input_' ~ chart ~ '_0', chart) }})
),
{#- Phase I revision: baseline subgroups beyond the limits leave the baseline and the
    limits are recomputed, `baseline_exclusion_passes` times. #}
{%- for pass in range(1, passes + 1) %}

input_{{ chart }}_{{ pass }} as (
    select
        previous.* exclude (in_baseline),
        previous.in_baseline and not exists (
            select 1 from points_{{ chart }}_{{ pass - 1 }} as beyond
            where beyond.series_id = previous.series_id
                and beyond.stage = previous.stage
                and beyond.subgroup_order = previous.subgroup_order
                and beyond.in_baseline
                and (beyond.value > beyond.ucl or beyond.value < beyond.lcl)
        ) as in_baseline,
    from input_{{ chart }}_{{ pass - 1 }} as previous
),

points_{{ chart }}_{{ pass }} as (
    select * from ({{ spc_chart('input_' ~ chart ~ '_' ~ pass, chart) }})
),
{%- endfor %}
{%- endfor %}

all_points as (
    {%- for chart in charts %}
    {{ 'union all' if not loop.first }}
    select '{{ chart }}' as chart_type, * from points_{{ chart }}_{{ passes }}
    {%- endfor %}
),

overdispersion as (
    {%- for chart in configured | select('in', laney) %}
    {{ 'union all' if not loop.first }}
    select
        *,
        -- "clearly above 1": beyond two standard errors of the moving-range estimate
        1 + 2 * 0.83 / sqrt(greatest(moving_ranges_count, 1)) as laney_threshold,
    from ({{ spc_overdispersion('input_' ~ chart ~ '_0', chart) }})
    {%- endfor %}
),

overdispersion_modes as (
    {%- for metric in spc['metrics'] %}
    {{ 'union all' if not loop.first }}
    select '{{ metric.metric }}' as metric, '{{ metric.overdispersion or "auto" }}' as mode
    {%- endfor %}
),

chart_choice as (
    select
        overdispersion.series_id,
        overdispersion.stage,
        overdispersion.sigma_z,
        overdispersion.moving_ranges_count,
        overdispersion.laney_threshold,
        overdispersion_modes.mode = 'laney' or (
            overdispersion_modes.mode = 'auto'
            and overdispersion.sigma_z > overdispersion.laney_threshold
        ) as is_laney,
    from overdispersion
    inner join (select distinct series_id, metric from series_observations) as series_metric
        using (series_id)
    inner join overdispersion_modes using (metric)
),

points as (
    select
        all_points.*,
        chart_choice.sigma_z,
        chart_choice.moving_ranges_count as sigma_z_moving_ranges,
        case
            when chart_choice.series_id is null
                then 'configured ' || all_points.chart_type || ' chart'
            when chart_choice.is_laney then format(
                'Laney chart: sigma_z = {:.2f} over {} baseline subgroups, above {:.2f}',
                chart_choice.sigma_z, chart_choice.moving_ranges_count + 1,
                chart_choice.laney_threshold)
            else format(
                'plain chart: sigma_z = {:.2f} over {} baseline subgroups, within {:.2f}',
                chart_choice.sigma_z, chart_choice.moving_ranges_count + 1,
                chart_choice.laney_threshold)
        end as chart_choice_reason,
    from all_points
    left join chart_choice using (series_id, stage)
    where chart_choice.series_id is null
        or all_points.chart_type = case
            when chart_choice.is_laney then 'laney_' || all_points.chart_type[-1:]
            else all_points.chart_type[-1:]
        end
),

series as (
    select distinct
        series_id, metric, nullif(metric_detail, '') as metric_detail, grain,
        segment_kind, segment_value,
    from series_observations
),

final as (
    select
        points.series_id,
        series.metric,
        series.metric_detail,
        series.grain,
        series.segment_kind,
        series.segment_value,
        points.chart_type,
        points.chart,
        points.stage,
        min(cast(points.subgroup as date)) over (partition by points.series_id, points.stage)
            as stage_started_on,
        stage_changes.stage_started_by,
        points.subgroup_order,
        points.subgroup,
        cast(points.subgroup as date) as subgroup_start,
        points.n,
        points.value,
        points.center,
        points.lcl,
        points.ucl,
        points.sigma,
        points.in_baseline,
        points.sigma_z,
        points.sigma_z_moving_ranges,
        points.chart_choice_reason,
        case when points.chart_type like 'laney%' then format(
            'The limits are wider than on a textbook chart because, at these volumes, ordinary'
            || ' {}s already differ {:.1f} times more than chance alone explains; only moves'
            || ' beyond that everyday variation are flagged.', series.grain, points.sigma_z)
        end as limits_explanation,
        case
            when points.value > points.ucl or points.value < points.lcl then 'beyond'
            when points.sigma is null or points.sigma = 0 then null
            when abs(points.value - points.center) > 2 * points.sigma then 'A'
            when abs(points.value - points.center) > points.sigma then 'B'
            else 'C'
        end as zone,
    from points
    inner join series using (series_id)
    left join (select distinct series_id, stage, stage_started_by from staged) as stage_changes
        using (series_id, stage)
    where points.value is not null and points.center is not null
)

select * from final

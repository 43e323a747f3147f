-- What a control chart draws: mart_spc_points with the rules that fired at each point, the
-- quality target in force for the series (most specific segment first, then 'all') and, in
-- words, why this chart and why its limits are as wide as they are.
with points as (
    select * from {{ ref('mart_spc_points') }}
),

fired as (
    select
        series_id,
        chart,
        subgroup_start,
        {{ dbt.listagg('rule', "';'", 'order by rule') }} as rules_fired
    from {{ ref('mart_spc_signals') }}
    group by series_id, chart, subgroup_start
),

location_points as (
    select distinct series_id, metric, segment_kind, segment_value, subgroup_start, subgroup_end
    from points
),

targets as (
    {{ targets_in_force(
        'location_points', ['series_id', 'subgroup_start'], 'metric', 'subgroup_end',
        [{'kind': 'segment_kind', 'value': 'segment_value', 'specificity': 1},
         {'kind': "'all'", 'value': 'cast(null as string)', 'specificity': 9}]
    ) }}
),

final as (
    select
        points.*,
        fired.rules_fired,
        targets.target,
        targets.target_direction,
        case
            when points.chart_type like 'laney%' then 'Laney chart: sigma_z = '
                || {{ format_number('points.sigma_z', '.2f') }} || ' over '
                || cast(points.sigma_z_moving_ranges + 1 as string) || ' baseline subgroups, above '
                || {{ format_number('points.overdispersion_threshold', '.2f') }}
            when points.chart_type in ('p', 'u') and points.sigma_z is null
                then 'plain chart: too few baseline subgroups to measure sigma_z'
            when points.chart_type in ('p', 'u') then 'plain chart: sigma_z = '
                || {{ format_number('points.sigma_z', '.2f') }} || ' over '
                || cast(points.sigma_z_moving_ranges + 1 as string) || ' baseline subgroups, within '
                || {{ format_number('points.overdispersion_threshold', '.2f') }}
            else 'drawn as the metric registry declares it'
        end as chart_choice_reason,
        case when points.chart_type like 'laney%' then
            'The limits are wider than on a textbook chart because, at these volumes, ordinary '
            || points.grain || 's already differ '
            || {{ format_number('points.sigma_z', '.1f') }}
            || ' times more than chance alone explains; only moves beyond that everyday'
            || ' variation are flagged.'
        end as limits_explanation
    from points
    left join fired using (series_id, chart, subgroup_start)
    left join targets using (series_id, subgroup_start)
)

select * from final

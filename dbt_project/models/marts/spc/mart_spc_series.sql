-- One row per charted SPC series, with its current chart: what the chart pickers list.
with points as (
    select * from {{ ref('mart_spc_points') }}
),

final as (
    select
        series_id,
        any_value(metric) as metric,
        coalesce(any_value(metric_detail), '') as metric_detail,
        any_value(grain) as grain,
        any_value(segment_kind) as segment_kind,
        any_value(segment_value) as segment_value,
        arg_max(chart_type, subgroup_start) as current_chart_type,
        max(stage) as stages_count,
        min(subgroup_start) as first_subgroup,
        max(subgroup_start) as last_subgroup,
    from points
    group by series_id
)

select * from final

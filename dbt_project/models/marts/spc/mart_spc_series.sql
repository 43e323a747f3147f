-- One row per SPC series (metric × segment × grain): its current chart, and the verdict of
-- the attention test (int_spc_series_shifts), or why it could not be tested yet.
with points as (
    select * from {{ ref('mart_spc_points') }}
),

shifts as (
    select * from {{ ref('int_spc_series_shifts') }}
),

series as (
    select
        series_id,
        any_value(metric) as metric,
        coalesce(any_value(metric_detail), '') as metric_detail,
        any_value(grain) as grain,
        any_value(segment_kind) as segment_kind,
        any_value(segment_value) as segment_value,
        max_by(chart_type, subgroup_start) as current_chart_type,
        max(stage) as stages_count,
        min(subgroup_start) as first_subgroup,
        max(subgroup_start) as last_subgroup,
        max(subgroup_start) filter (where not is_provisional) as last_complete_subgroup
    from points
    group by series_id
),

final as (
    select
        series.*,
        case when series.segment_kind = 'agent' then 'agent' else 'process' end as level,
        case
            when shifts.series_id is not null then 'tested'
            when series.current_chart_type not in ('p', 'laney_p', 'u', 'laney_u', 'xbar_s', 'xbar_r')
                then 'not tested: a ' || series.current_chart_type || ' chart has no shift test'
            when series.last_complete_subgroup is null then 'no complete subgroup yet'
            else 'not enough data: no complete window after the current stage''s baseline'
                || ' (or too few units for a mean)'
        end as shift_test_status,
        shifts.window_start as shift_window_start,
        shifts.window_end as shift_window_end,
        shifts.window_value as shift_window_value,
        shifts.baseline_value as shift_baseline_value,
        shifts.series_p_value as shift_p_value,
        shifts.q_value as shift_q_value,
        coalesce(shifts.is_listed, false) as is_on_attention_list
    from series
    left join shifts using (series_id)
)

select * from final

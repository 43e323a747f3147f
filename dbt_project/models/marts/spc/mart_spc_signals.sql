-- One row per run-rule signal on the SPC charts: the rule (Western Electric 1-4, or with
-- `rules: nelson` also Nelson 5-8), where it fired and the points involved. Provisional
-- subgroups are left out (their data is still arriving), so they never signal. These are the
-- raw signals for analysts; what needs attention is decided in mart_spc_attention.
with points as (
    select * from {{ ref('mart_spc_points') }}
    where not is_provisional
),

signals as (
    {{ spc_signals('points', var('spc')['rules']) }}
),

final as (
    select
        signals.series_id,
        points.metric,
        points.metric_detail,
        points.grain,
        points.segment_kind,
        points.segment_value,
        points.chart_type,
        signals.chart,
        signals.stage,
        points.subgroup_start,
        signals.rule,
        signals.rule_description,
        signals.points_involved,
        points.value,
        points.center,
        points.lcl,
        points.ucl
    from signals
    inner join points using (series_id, stage, chart, subgroup_order)
)

select * from final

-- One row per run-rule signal on the SPC charts: the rule (Western Electric 1-4, or with
-- `rules: nelson` also Nelson 5-8), where it fired and the points involved.
with signals as (
    {{ spc_signals(ref('mart_spc_points'), var('spc')['rules']) }}
),

series as (
    select distinct
        series_id, metric, metric_detail, grain, segment_kind, segment_value, chart_type,
    from {{ ref('mart_spc_points') }}
),

points as (
    select series_id, stage, chart, subgroup_order, subgroup_start, value, center, lcl, ucl,
    from {{ ref('mart_spc_points') }}
),

final as (
    select
        signals.series_id,
        series.metric,
        series.metric_detail,
        series.grain,
        series.segment_kind,
        series.segment_value,
        series.chart_type,
        signals.chart,
        signals.stage,
        points.subgroup_start,
        signals.rule,
        signals.rule_description,
        signals.points_involved,
        points.value,
        points.center,
        points.lcl,
        points.ucl,
    from signals
    inner join series using (series_id)
    inner join points using (series_id, stage, chart, subgroup_order)
)

select * from final

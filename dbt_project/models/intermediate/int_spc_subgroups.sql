-- One row per subgroup of every SPC series: its stage (1 + the process changes in force whose
-- scope matches the series), whether its data is complete and whether it belongs to the
-- stage's Phase I baseline (the first `baseline_subgroups` complete subgroups). The one place
-- series, stages and baselines are assigned; the points and attention marts read it.
--
-- Complete: the subgroup's last day plus the metric's `complete_after_days` is on or before
-- the data's as-of date (the day of the latest arrival in any metric's data). A subgroup
-- whose data is still arriving is provisional: drawn, but never in a baseline or a signal.
{%- set spc = var('spc') %}
with observations as (
    select * from {{ ref('int_spc_observations') }}
),

process_changes as (
    select * from {{ ref('stg_process_changes') }}
),

as_of as (
    select cast(max(arrived_at) as date) as as_of_date
    from {{ ref('int_metric_observations') }}
),

metric_settings (metric, complete_after_days) as (
    values
    {%- for metric in var('metrics') %}
    ('{{ metric.metric }}', {{ metric.complete_after_days }}){{ ',' if not loop.last }}
    {%- endfor %}
),

grain_settings (grain, grain_days, baseline_subgroups) as (
    values
    {%- for grain in spc['grains'] %}
    ('{{ grain.grain }}', {{ grain.days }}, {{ grain.baseline_subgroups }}){{ ',' if not loop.last }}
    {%- endfor %}
),

subgroups as (
    select
        series_id,
        metric,
        metric_detail,
        chart,
        grain,
        segment_kind,
        segment_value,
        subgroup_start,
        count(*) as units,
        sum(value) as value_sum,
    from observations
    group by all
),

staged as (
    select
        subgroups.series_id,
        subgroups.subgroup_start,
        1 + count(process_changes.change_id) as stage,
        arg_max(
            process_changes.change_id || ': ' || process_changes.description,
            {row: process_changes.effective_at, change: process_changes.change_id}
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

completeness as (
    select
        subgroups.*,
        staged.stage,
        staged.stage_started_by,
        grain_settings.baseline_subgroups,
        subgroups.subgroup_start + (grain_settings.grain_days - 1) as subgroup_end,
        subgroups.subgroup_start + (grain_settings.grain_days - 1)
            + metric_settings.complete_after_days <= as_of.as_of_date as is_complete,
        as_of.as_of_date,
    from subgroups
    inner join staged using (series_id, subgroup_start)
    inner join grain_settings using (grain)
    inner join metric_settings using (metric)
    cross join as_of
),

final as (
    select
        series_id,
        metric,
        metric_detail,
        chart,
        grain,
        segment_kind,
        segment_value,
        stage,
        min(subgroup_start) over (partition by series_id, stage) as stage_started_on,
        stage_started_by,
        date_diff('day', date '2000-01-03', subgroup_start) as subgroup_order,
        subgroup_start,
        subgroup_end,
        units,
        value_sum,
        not is_complete as is_provisional,
        is_complete and row_number() over (
            partition by series_id, stage, is_complete order by subgroup_start
        ) <= baseline_subgroups as in_baseline,
        as_of_date,
    from completeness
)

select * from final

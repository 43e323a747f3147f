-- One row per subgroup of every SPC series (metric × segment × grain in the registry): its
-- size, sum and, for the charts of a measurement, mean, standard deviation and range; its
-- stage (1 + the process changes in force whose scope matches the series), whether its data
-- is complete and whether it belongs to the stage's Phase I baseline (the first
-- `baseline_subgroups` complete subgroups). The one place series, stages and baselines are
-- assigned; the engine input, the points and attention marts read it.
--
-- Every observation of int_metric_observations is counted once per segment kind and grain by
-- grouping sets (one scan), never repeated per series first: at a year's scale that
-- repetition was 83M rows.
--
-- Complete: the subgroup's last day plus the metric's `complete_after_days` is on or before
-- the data's as-of date (the day of the latest arrival in any metric's data). A subgroup
-- whose data is still arriving is provisional: drawn, but never in a baseline or a signal.
{%- set spc = var('spc') %}
{%- set segments = segment_columns() %}
{%- set charted = [] %}
{%- for metric in var('metrics') %}
    {%- for segment in metric.segments %}
        {%- for grain in metric.grains %}
            {%- do charted.append(
                "('" ~ metric.metric ~ "', '" ~ metric.chart ~ "', '" ~ segment ~ "', '" ~ grain ~ "')"
            ) %}
        {%- endfor %}
    {%- endfor %}
{%- endfor %}
with observations as (
    select
        *,
        {%- for grain in spc['grains'] %}
        cast(date_trunc('{{ grain.date_part }}', observed_at) as date) as {{ grain.grain }}_start
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('int_metric_observations') }}
),

charted (metric, chart, segment_kind, grain) as (
    values
    {{ charted | join(',\n    ') }}
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

-- One row per metric (and detail) × grain × segment × subgroup; a column outside the
-- grouping set of a row is null there.
cells as (
    select
        metric,
        metric_detail,
        case
            {%- for grain in spc['grains'] %}
            when grouping({{ grain.grain }}_start) = 0 then '{{ grain.grain }}'
            {%- endfor %}
        end as grain,
        case
            {%- for segment, column in segments.items() %}
            when grouping({{ column }}) = 0 then '{{ segment }}'
            {%- endfor %}
            else 'all'
        end as segment_kind,
        coalesce(
            {%- for grain in spc['grains'] %}
            {{ grain.grain }}_start{{ ',' if not loop.last }}
            {%- endfor %}
        ) as subgroup_start,
        {%- for column in segments.values() %}
        {{ column }},
        {%- endfor %}
        count(*) as units,
        sum(value) as value_sum,
        avg(value) as mean_value,
        stddev_samp(value) as sd_value,
        max(value) - min(value) as range_value
    from observations
    group by grouping sets (
        {%- for grain in spc['grains'] %}
        {%- set outer = loop %}
        {%- for column in [none] + (segments.values() | list) %}
        (metric, metric_detail, {{ grain.grain }}_start{{ ', ' ~ column if column }})
        {{- ',' if not (outer.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    )
),

subgroups as (
    select
        concat_ws('|', metric, nullif(metric_detail, ''), grain, segment_kind, segment_value)
            as series_id,
        *
    from (
        select
            cells.metric,
            cells.metric_detail,
            charted.chart,
            cells.grain,
            cells.segment_kind,
            {{ segment_value('cells.segment_kind', 'cells') }} as segment_value,
            cells.subgroup_start,
            cells.units,
            cells.value_sum,
            cells.mean_value,
            cells.sd_value,
            cells.range_value
        from cells
        inner join charted using (metric, segment_kind, grain)
    )
    where segment_value is not null
),

-- A subgroup's stage depends on its segment and its first day only, not on the metric or
-- the grain: it is assigned once per segment and day (0.8M at 10M contacts), not per
-- subgroup (10M, whose grouping by series took 18 s there).
segment_days as (
    select distinct segment_kind, segment_value, subgroup_start
    from subgroups
),

staged as (
    select
        segment_days.segment_kind,
        segment_days.segment_value,
        segment_days.subgroup_start,
        1 + count(process_changes.change_id) as stage,
        max_by(
            process_changes.change_id || ': ' || process_changes.description,
            {{ struct_of({'row': 'process_changes.effective_at', 'change': 'process_changes.change_id'}) }}
        ) as stage_started_by
    from segment_days
    left join process_changes
        on cast(process_changes.effective_at as date) <= segment_days.subgroup_start
        and (
            process_changes.scope_kind = 'all'
            or (
                process_changes.scope_kind = segment_days.segment_kind
                and process_changes.scope_value = segment_days.segment_value
            )
        )
    group by segment_days.segment_kind, segment_days.segment_value, segment_days.subgroup_start
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
        as_of.as_of_date
    from subgroups
    inner join staged using (segment_kind, segment_value, subgroup_start)
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
        first_value(subgroup_start) over stage_so_far as stage_started_on,
        stage_started_by,
        {{ dbt.datediff("date '2000-01-03'", 'subgroup_start', 'day') }} as subgroup_order,
        subgroup_start,
        subgroup_end,
        units,
        value_sum,
        mean_value,
        sd_value,
        range_value,
        not is_complete as is_provisional,
        -- The stage's complete subgroups so far (a running sum, not a filtered count: see
        -- the README's stack notes): one sorted window for both columns.
        is_complete and sum(cast(is_complete as integer)) over stage_so_far
            <= baseline_subgroups as in_baseline,
        as_of_date
    from completeness
    window stage_so_far as (
        partition by series_id, stage
        order by subgroup_start
        rows between unbounded preceding and current row
    )
)

select * from final

-- Plan versus check: every quality target (stg_quality_targets) against the actual of its
-- metric on its segment, per ISO week and calendar month from the first period the target is
-- in force (its effective_from; never before the data's first day) up to the data's end. When
-- a metric × segment has several effective-dated targets, the one in force for a period is
-- the latest whose effective_from is on or before the period's last day (targets_in_force,
-- the rule the weekly quality mart and the control charts use).
--
-- The actual is the metric's value over the period's observations of the segment
-- (int_metric_observations, the registry's one observation table), with a two-sided interval
-- at scorecard_confidence(), by the registry's chart for the metric:
--   p (proportion)  Wilson score interval of events / units (wilson_bound);
--   u (rate/unit)   Poisson score interval of the rate λ̂ = events / units:
--                   λ̂ + z²/2n ± z·√(λ̂/n + z²/4n²) (statsmodels confint_poisson(method='score'));
--   means           Student t: x̄ ± t(n−1)·s/√n (t_quantile).
-- Status: 'met' when the whole interval is on the target's good side (the target itself
-- counts as good, as for is_point_on_target), 'missed' when the whole interval is on the bad
-- side, else (and always below 2 units) 'not enough data to say'.
--
-- SPC state, from the weekly control chart of the same metric × segment (mart_spc_series;
-- the weekly chart for month rows too): 'signalling' when in the period the series has a
-- run-rule signal on its location chart (mart_spc_signals: a week starting in the period;
-- x̄, p, u, ... not the s chart) whose point lies on the bad side of the centre line, or is
-- on the attention list with a worse shift window overlapping the period; 'improving' when
-- there are such signals or shifts only on the good side; 'in control' otherwise; 'no chart'
-- when the series does not exist (e.g. a segment value no observation carries).
with targets as (
    select * from {{ ref('stg_quality_targets') }}
),

metrics as (
    select * from {{ ref('dim_metrics') }}
),

observations as (
    select * from {{ ref('int_metric_observations') }}
    where metric_detail = ''
),

weekly_series as (
    select * from {{ ref('mart_spc_series') }}
    where grain = 'week' and metric_detail = ''
),

signals as (
    select * from {{ ref('mart_spc_signals') }}
    where grain = 'week'
),

agents as (
    select * from {{ ref('dim_agents') }}
),

data_range as (
    select
        min(cast(observed_at as date)) as first_date,
        max(cast(arrived_at as date)) as as_of_date
    from {{ ref('int_metric_observations') }}
),

targeted_segments as (
    -- one row per metric × segment a target names, from its first target on
    select
        metric,
        segment,
        segment_kind,
        segment_value as target_segment_value,
        coalesce(segment_value, 'all') as segment_value,
        min(effective_from) as first_effective_from
    from targets
    group by metric, segment, segment_kind, segment_value
),

periods as (
    select 'week' as grain, period_start, period_start + 6 as period_end
    from (
        select {{ unnest_list(date_list(
            dbt.date_trunc('week', 'first_date'), 'as_of_date', "'7 day'"), 'period_start'
        ) }}
        from data_range
    )
    union all
    select 'month' as grain, period_start, last_day(period_start) as period_end
    from (
        select {{ unnest_list(date_list(
            dbt.date_trunc('month', 'first_date'), 'as_of_date', "'1 month'"), 'period_start'
        ) }}
        from data_range
    )
),

segment_periods as (
    select
        targeted_segments.metric,
        targeted_segments.segment,
        targeted_segments.segment_kind,
        targeted_segments.target_segment_value,
        targeted_segments.segment_value,
        periods.grain,
        periods.period_start,
        periods.period_end
    from targeted_segments
    inner join periods on periods.period_end >= targeted_segments.first_effective_from
),

targets_by_period as (
    {{ targets_in_force(
        'segment_periods', ['metric', 'segment', 'grain', 'period_start'], 'metric', 'period_end',
        [{'kind': 'segment_kind', 'value': 'target_segment_value', 'specificity': 1}]
    ) }}
),

segment_observations as (
    select
        targeted_segments.metric,
        targeted_segments.segment,
        observations.value,
        cast({{ dbt.date_trunc('week', 'observations.observed_at') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'observations.observed_at') }} as date) as month_start
    from targeted_segments
    inner join observations
        on observations.metric = targeted_segments.metric
        and {{ segment_value('targeted_segments.segment_kind', 'observations') }}
            = targeted_segments.segment_value
),

period_values as (
    {%- for grain in ['week', 'month'] %}
    {{ 'union all' if not loop.first }}
    select
        metric,
        segment,
        '{{ grain }}' as grain,
        {{ grain }}_start as period_start,
        count(*) as units,
        sum(value) as total,
        avg(value) as actual,
        {{ sample_spread('stddev_samp', 'value') }} as value_sd
    from segment_observations
    group by metric, segment, {{ grain }}_start
    {%- endfor %}
),

measured as (
    select
        segment_periods.*,
        metrics.label as metric_label,
        metrics.format,
        metrics.unit,
        metrics.units as units_noun,
        metrics.chart,
        metrics.direction as metric_direction,
        metrics.complete_after_days,
        targets_by_period.target,
        coalesce(targets_by_period.target_direction, metrics.direction) as direction,
        targets_by_period.target_effective_from,
        coalesce(period_values.units, 0) as units,
        period_values.total,
        period_values.actual,
        period_values.value_sd,
        segment_periods.period_start >= data_range.first_date
            and segment_periods.period_end + metrics.complete_after_days
                <= data_range.as_of_date as is_period_complete
    from segment_periods
    cross join data_range
    inner join metrics using (metric)
    inner join targets_by_period using (metric, segment, grain, period_start)
    left join period_values using (metric, segment, grain, period_start)
),

intervals as (
    select
        measured.*,
        case
            when measured.units < 2 then null
            when measured.chart in ('p', 'np') then {{ wilson_bound(
                'measured.total', 'measured.units', normal_quantile(), -1) }}
            when measured.chart in ('u', 'c') then greatest(0,
                measured.actual + {{ normal_quantile() }} * {{ normal_quantile() }}
                    / (2.0 * measured.units)
                - {{ normal_quantile() }} * sqrt(measured.actual / measured.units
                    + {{ normal_quantile() }} * {{ normal_quantile() }}
                    / (4.0 * measured.units * measured.units)))
            else measured.actual
                - {{ t_quantile('measured.units - 1') }} * measured.value_sd / sqrt(measured.units)
        end as actual_lower,
        case
            when measured.units < 2 then null
            when measured.chart in ('p', 'np') then {{ wilson_bound(
                'measured.total', 'measured.units', normal_quantile(), 1) }}
            when measured.chart in ('u', 'c') then
                measured.actual + {{ normal_quantile() }} * {{ normal_quantile() }}
                    / (2.0 * measured.units)
                + {{ normal_quantile() }} * sqrt(measured.actual / measured.units
                    + {{ normal_quantile() }} * {{ normal_quantile() }}
                    / (4.0 * measured.units * measured.units))
            else measured.actual
                + {{ t_quantile('measured.units - 1') }} * measured.value_sd / sqrt(measured.units)
        end as actual_upper
    from measured
),

judged as (
    select
        intervals.*,
        {{ meets_target('intervals.actual', 'intervals.target', 'intervals.direction') }}
            as is_point_on_target,
        case
            when intervals.actual_lower is null or intervals.actual_upper is null
                then 'not enough data to say'
            when intervals.direction = 'higher' and intervals.actual_lower >= intervals.target
                then 'met'
            when intervals.direction = 'higher' and intervals.actual_upper < intervals.target
                then 'missed'
            when intervals.direction = 'lower' and intervals.actual_upper <= intervals.target
                then 'met'
            when intervals.direction = 'lower' and intervals.actual_lower > intervals.target
                then 'missed'
            else 'not enough data to say'
        end as status
    from intervals
),

period_signals as (
    -- run-rule signals of the weekly location chart in each period, by side of the centre
    select
        judged.metric,
        judged.segment,
        judged.grain,
        judged.period_start,
        count(*) filter (
            where (signals.value > signals.center) = (judged.metric_direction = 'lower')
        ) as worse_signals,
        count(*) filter (
            where (signals.value > signals.center) = (judged.metric_direction = 'higher')
        ) as better_signals
    from judged
    inner join signals
        on signals.metric = judged.metric
        and signals.segment_kind = judged.segment_kind
        and signals.segment_value = judged.segment_value
        and signals.subgroup_start between judged.period_start and judged.period_end
    where signals.chart not in ('s', 'r', 'mr')
        and signals.value <> signals.center
    group by all
),

attention_shifts as (
    -- the attention list's shift window of the weekly series, when it overlaps the period
    select
        judged.metric,
        judged.segment,
        judged.grain,
        judged.period_start,
        (weekly_series.shift_window_value > weekly_series.shift_baseline_value)
            = (judged.metric_direction = 'lower') as is_worse
    from judged
    inner join weekly_series
        on weekly_series.metric = judged.metric
        and weekly_series.segment_kind = judged.segment_kind
        and weekly_series.segment_value = judged.segment_value
    where weekly_series.is_on_attention_list
        and weekly_series.shift_window_start <= judged.period_end
        and weekly_series.shift_window_end >= judged.period_start
        and weekly_series.shift_window_value <> weekly_series.shift_baseline_value
),

spc as (
    select
        judged.metric,
        judged.segment,
        judged.grain,
        judged.period_start,
        weekly_series.series_id,
        case
            when weekly_series.series_id is null then 'no chart'
            when coalesce(period_signals.worse_signals, 0) > 0
                or coalesce(attention_shifts.is_worse, false) then 'signalling'
            when coalesce(period_signals.better_signals, 0) > 0
                or not coalesce(attention_shifts.is_worse, true) then 'improving'
            else 'in control'
        end as spc_state
    from judged
    left join weekly_series
        on weekly_series.metric = judged.metric
        and weekly_series.segment_kind = judged.segment_kind
        and weekly_series.segment_value = judged.segment_value
    left join period_signals
        on period_signals.metric = judged.metric
        and period_signals.segment = judged.segment
        and period_signals.grain = judged.grain
        and period_signals.period_start = judged.period_start
    left join attention_shifts
        on attention_shifts.metric = judged.metric
        and attention_shifts.segment = judged.segment
        and attention_shifts.grain = judged.grain
        and attention_shifts.period_start = judged.period_start
),

team_names as (
    select team_id, team_name from agents
    qualify row_number() over (partition by team_id order by valid_from desc) = 1
),

agent_names as (
    select agent_id, agent_name from agents
    qualify row_number() over (partition by agent_id order by valid_from desc) = 1
),

labelled as (
    select
        judged.*,
        spc.series_id,
        spc.spc_state,
        {{ segment_label(
            'judged.segment_kind', 'judged.segment_value',
            'team_names.team_name', 'agent_names.agent_name'
        ) }} as segment_label
    from judged
    inner join spc using (metric, segment, grain, period_start)
    left join team_names
        on judged.segment_kind = 'team' and team_names.team_id = judged.segment_value
    left join agent_names
        on judged.segment_kind = 'agent' and agent_names.agent_id = judged.segment_value
),

final as (
    select
        metric,
        metric_label,
        format,
        unit,
        direction,
        segment,
        segment_kind,
        segment_value,
        segment_label,
        target,
        target_effective_from,
        grain,
        period_start,
        period_end,
        is_period_complete,
        cast(units as bigint) as units,
        actual,
        actual_lower,
        actual_upper,
        is_point_on_target,
        status,
        series_id,
        spc_state,
        metric_label || ' for ' || segment_label || ', '
            || case grain
                when 'week' then 'week of ' || {{ format_date('period_start', '%-d %b %Y') }}
                else {{ format_date('period_start', '%b %Y') }}
            end
            || case when is_period_complete then '' else ' (data still arriving)' end
            || ': '
            || case
                when units = 0 then 'no ' || units_noun
                else {{ format_metric_value('actual', 'format') }}
                    || coalesce(
                        ' (' || cast(round(100 * {{ scorecard_confidence() }}) as integer)
                        || ' % interval ' || {{ format_metric_value('actual_lower', 'format') }}
                        || ' to ' || {{ format_metric_value('actual_upper', 'format') }} || ', ',
                        ' ('
                    )
                    || {{ format_number('units', ',') }} || ' ' || units_noun || ')'
            end
            || ' against a target of '
            || case direction when 'higher' then 'at least ' else 'at most ' end
            || {{ format_metric_value('target', 'format') }}
            || ': ' || status
            || case spc_state
                when 'no chart' then '; no weekly control chart'
                else '; the weekly control chart is ' || spc_state
            end
            || '.' as sentence
    from labelled
)

select * from final

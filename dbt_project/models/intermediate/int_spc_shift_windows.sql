-- The evidence for "this series has shifted recently": for every SPC series and every recent
-- window (the last N complete subgroups of its grain, N from var `attention.windows`), the
-- units and total of the window and of the current stage's Phase I baseline, the baseline's
-- level and spread, and the series' overdispersion. A window is tested only when it lies
-- wholly after the baseline period of the series' current stage (Phase II); a series whose
-- stage is too young has no window here ("not enough data since its last process change"),
-- nor a mean over fewer than `attention.mean_min_units` units.
--
-- Everyday variation beyond the unit model (a busy day, slow systems) is measured per day:
-- the metric's between-day variance at day grain (int_spc_overdispersion), relative to the
-- level, times the series' level², times Σ (daily units)² / (units)² of the window and of
-- the baseline. Six weekly baseline points could not measure it; the days can. A metric
-- without a day grain uses its own grain's.
{%- set windows = var('attention')['windows'] %}
with test_families (chart, test_family) as (
    -- the charts of location that have a shift test (series charted as np, c, I-MR, EWMA
    -- or CUSUM are not tested)
    values ('p', 'proportion'), ('laney_p', 'proportion'), ('u', 'rate'), ('laney_u', 'rate'),
        ('xbar', 'mean')
),

points as (
    select * from {{ ref('mart_spc_points') }}
    inner join test_families using (chart)
),

subgroups as (
    select * from {{ ref('int_spc_subgroups') }}
),

overdispersion as (
    select * from {{ ref('int_spc_overdispersion') }}
),

window_lengths (grain, window_subgroups) as (
    values
    {%- set lengths = [] %}
    {%- for grain, sizes in windows.items() %}{% for size in sizes %}
        {%- do lengths.append("('" ~ grain ~ "', " ~ size ~ ")") %}
    {%- endfor %}{% endfor %}
    {{ lengths | join(', ') }}
),

latest_complete as (
    -- windows end at the latest complete subgroup of the metric's grain, the same dates for
    -- every series of the metric
    select
        metric,
        grain,
        max(subgroup_start) as last_subgroup_start,
        any_value(cast({{ dbt.datediff('subgroup_start', 'subgroup_end', 'day') }} + 1 as integer))
            as grain_days
    from subgroups
    where not is_provisional
    group by metric, grain
),

current_stage as (
    select
        series_id,
        max(stage) as stage
    from subgroups
    where not is_provisional
    group by series_id
),

baseline_period as (
    select
        subgroups.series_id,
        subgroups.stage,
        max(subgroups.subgroup_start) filter (where subgroups.in_baseline) as baseline_last_start
    from subgroups
    inner join current_stage using (series_id, stage)
    group by subgroups.series_id, subgroups.stage
),

series as (
    select distinct
        points.series_id,
        points.metric,
        points.metric_detail,
        points.grain,
        points.segment_kind,
        points.segment_value,
        points.chart_type,
        points.test_family,
        points.stage
    from points
    inner join current_stage using (series_id, stage)
),

windows as (
    select * from (
        select
            series.*,
            window_lengths.window_subgroups,
            latest_complete.last_subgroup_start
                - (window_lengths.window_subgroups - 1) * latest_complete.grain_days
                as window_start,
            latest_complete.last_subgroup_start + (latest_complete.grain_days - 1) as window_end,
            baseline_period.baseline_last_start
        from series
        inner join latest_complete using (metric, grain)
        inner join window_lengths using (grain)
        inner join baseline_period using (series_id, stage)
    )
    where window_start > baseline_last_start
),

baseline as (
    select
        points.series_id,
        points.stage,
        any_value(points.center) as center,
        sum(points.n) as baseline_units,
        sum(power(points.n, 2)) as baseline_units_squared,
        -- a subgroup's count (or total) from its mean, at 9 decimals first: a total of
        -- 13542.5 in exact arithmetic must not round either way by the last bit of a mean
        sum(round(round(points.value * points.n, 9))) as baseline_count,
        count(*) as baseline_subgroups
    from points
    inner join current_stage using (series_id, stage)
    where points.in_baseline
    group by points.series_id, points.stage
),

baseline_subgroups as (
    -- X̄ series: the baseline's subgroups (size, mean, standard deviation of the observations)
    select
        engine_input.series_id,
        engine_input.stage,
        engine_input.size,
        engine_input.value,
        engine_input.sd_value,
        sum(engine_input.size * engine_input.value) over stage_rows
            / sum(engine_input.size) over stage_rows as baseline_mean
    from {{ ref('int_spc_engine_input') }} as engine_input
    inner join points
        on points.series_id = engine_input.series_id
        and points.stage = engine_input.stage
        and points.subgroup_order = engine_input.subgroup_order
        and points.chart = 'xbar'
        and points.in_baseline
    window stage_rows as (partition by engine_input.series_id, engine_input.stage)
),

baseline_spread as (
    -- the standard deviation of the baseline's observations, pooled from its subgroups:
    -- squares within them plus squares of their means about the baseline mean
    select
        series_id,
        stage,
        sqrt(
            (sum((size - 1) * power(coalesce(sd_value, 0), 2)) + sum(size * power((value - baseline_mean), 2)))
            / (sum(size) - 1)
        ) as observation_sd,
        cast(sum(size) - 1 as bigint) as spread_degrees_of_freedom
    from baseline_subgroups
    group by series_id, stage
    having sum(size) > 1
),

daily_units as (
    select
        metric,
        nullif(metric_detail, '') as metric_detail,
        segment_kind,
        segment_value,
        subgroup_start as day,
        units
    from subgroups
    where grain = 'day'
),

window_days as (
    select
        windows.series_id,
        windows.window_subgroups,
        sum(power(daily_units.units, 2)) / power(sum(daily_units.units), 2) as window_concentration
    from windows
    inner join daily_units
        on daily_units.metric = windows.metric
        and daily_units.metric_detail is not distinct from windows.metric_detail
        and daily_units.segment_kind = windows.segment_kind
        and daily_units.segment_value = windows.segment_value
        and daily_units.day between windows.window_start and windows.window_end
    group by windows.series_id, windows.window_subgroups
),

baseline_days as (
    select
        points.series_id,
        sum(power(daily_units.units, 2)) / power(sum(daily_units.units), 2) as baseline_concentration
    from points
    inner join current_stage using (series_id, stage)
    inner join daily_units
        on daily_units.metric = points.metric
        and daily_units.metric_detail is not distinct from points.metric_detail
        and daily_units.segment_kind = points.segment_kind
        and daily_units.segment_value = points.segment_value
        and daily_units.day between points.subgroup_start and points.subgroup_end
    where points.in_baseline
    group by points.series_id
),

families as (
    select distinct
        metric,
        nullif(metric_detail, '') as metric_detail,
        grain,
        family_relative_between_variance,
        family_degrees_of_freedom
    from overdispersion
),

metric_spread as (
    -- the standard deviation of all of a metric's observations: a floor for any one series',
    -- because a few baseline evaluations without an auto-fail (score 0) say little about
    -- how much scores vary
    select metric, nullif(metric_detail, '') as metric_detail, stddev_samp(value) as metric_sd
    from {{ ref('int_metric_observations') }}
    group by metric, metric_detail
),

window_points as (
    select
        windows.series_id,
        windows.window_subgroups,
        sum(points.n) as window_units,
        sum(power(points.n, 2)) as window_units_squared,
        sum(points.value * points.n) as window_total,
        count(*) as window_points
    from windows
    inner join points
        on points.series_id = windows.series_id
        and points.stage = windows.stage
        and points.subgroup_start between windows.window_start and windows.window_end
        and not points.is_provisional
    group by windows.series_id, windows.window_subgroups
),

window_signals as (
    -- the raw run-rule signals inside the window, for analysts reading the list
    select
        windows.series_id,
        windows.window_subgroups,
        {{ sorted_list_text('signals.rule', distinct=true, separator=';') }} as window_rules_fired
    from windows
    inner join {{ ref('mart_spc_signals') }} as signals
        on signals.series_id = windows.series_id
        and signals.stage = windows.stage
        and signals.subgroup_start between windows.window_start and windows.window_end
        and signals.chart in {{ spc_location_parts() }}
    group by windows.series_id, windows.window_subgroups
),

final as (
    select
        windows.series_id,
        windows.metric,
        windows.metric_detail,
        windows.grain,
        windows.segment_kind,
        windows.segment_value,
        windows.chart_type,
        windows.stage,
        windows.test_family,
        windows.window_subgroups,
        windows.window_start,
        windows.window_end,
        window_points.window_points,
        window_points.window_units,
        window_points.window_total,
        window_points.window_total / window_points.window_units as window_value,
        window_signals.window_rules_fired,
        baseline.center as baseline_value,
        baseline.baseline_units,
        baseline.baseline_count,
        baseline.baseline_subgroups,
        -- the spread of one unit: binomial / Poisson at the baseline level, else observed
        case windows.test_family
            when 'proportion' then sqrt(baseline.center * (1 - baseline.center))
            when 'rate' then sqrt(baseline.center)
            else greatest(baseline_spread.observation_sd, metric_spread.metric_sd)
        end as unit_sigma,
        baseline_spread.spread_degrees_of_freedom as unit_sigma_degrees_of_freedom,
        coalesce(
            day_family.family_relative_between_variance,
            own_family.family_relative_between_variance
        ) * power(baseline.center, 2) * (
            coalesce(
                window_days.window_concentration,
                window_points.window_units_squared / power(window_points.window_units, 2)
            ) + coalesce(
                baseline_days.baseline_concentration,
                baseline.baseline_units_squared / power(baseline.baseline_units, 2)
            )
        ) as between_variance,
        coalesce(
            day_family.family_degrees_of_freedom, own_family.family_degrees_of_freedom
        ) as between_variance_degrees_of_freedom
    from windows
    inner join window_points using (series_id, window_subgroups)
    left join window_signals using (series_id, window_subgroups)
    inner join baseline using (series_id, stage)
    left join baseline_spread using (series_id, stage)
    left join metric_spread
        on metric_spread.metric = windows.metric
        and metric_spread.metric_detail is not distinct from windows.metric_detail
    left join window_days using (series_id, window_subgroups)
    left join baseline_days using (series_id)
    left join families as day_family
        on day_family.metric = windows.metric
        and day_family.metric_detail is not distinct from windows.metric_detail
        and day_family.grain = 'day'
    left join families as own_family
        on own_family.metric = windows.metric
        and own_family.metric_detail is not distinct from windows.metric_detail
        and own_family.grain = windows.grain
    where windows.test_family <> 'mean'
        or window_points.window_units >= {{ var('attention')['mean_min_units'] }}
)

select * from final

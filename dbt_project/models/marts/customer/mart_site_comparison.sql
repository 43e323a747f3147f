-- Sites and outsourcing vendors against the rest of the centre, on every metric of the
-- registry (var `metrics`) that is charted by site and has no sub-series (`detail`), from the
-- registry's one observation table int_metric_observations. One row per comparison level
-- (site; vendor, only for a vendor that runs several sites), compared unit, metric and period:
--   month    the calendar month of the observation's time (the registry's `at`)
--   recent   the last var('customer').site_comparison_days days whose data is in: ending
--            complete_after_days before the last day data arrived (per metric)
-- The compared unit's observations against every other observation of the centre (other
-- sites, and contacts of no known site). Means (every chart but p) with the t-interval and
-- Welch's interval of the difference; proportions (chart p: 0/1 observations) with Wilson
-- intervals and Newcombe's hybrid score interval of the difference (macros/stats):
--   mean ± t(n − 1)·sd/√n                     (normal quantile beyond 1000 df)
--   difference ± t(ν)·√(v₁/n₁ + v₂/n₂)        ν Welch–Satterthwaite, rounded down
--   Wilson (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
--   Newcombe lower d − √((p₁ − l₁)² + (u₂ − p₂)²), upper d + √((u₁ − p₁)² + (p₂ − l₂)²)
-- The difference is within noise when its interval holds 0, better or worse (the registry's
-- `direction`) when it lies wholly on one side; without an interval (fewer than two
-- observations on a side, or no spread at all) there is too little data to tell. A period is
-- complete for a metric when it starts on or after the first day of data and its last day
-- plus the metric's complete_after_days has arrived (as mart_quality_weekly). Every interval
-- is two-sided at var('scorecards').confidence. Observations are treated as independent:
-- contacts of one agent are alike, so the intervals are somewhat narrower than the truth.
{%- set metrics = [] %}
{%- for metric in var('metrics') if not metric.detail and 'site' in metric.segments %}
    {%- do metrics.append(metric) %}
{%- endfor %}
{%- set recent_days = var('customer')['site_comparison_days'] %}
with observations as (
    select * from {{ ref('int_metric_observations') }}
    where metric_detail = ''
),

agents as (
    select * from {{ ref('dim_agents') }}
),

metric_registry (
    metric, metric_label, format, unit, units_label, direction, is_proportion,
    complete_after_days
) as (
    values
    {%- for metric in metrics %}
    (
        {{ sql_string(metric.metric) }}, {{ sql_string(metric.label) }},
        {{ sql_string(metric.format) }}, {{ sql_string(metric.unit) }},
        {{ sql_string(metric.units) }}, {{ sql_string(metric.direction) }},
        {{ metric.chart == 'p' }}, {{ metric.complete_after_days }}
    ){{ ',' if not loop.last }}
    {%- endfor %}
),

data_range as (
    select
        min(cast(observed_at as date)) as first_date,
        max(cast(arrived_at as date)) as as_of_date
    from observations
),

-- a site is in-house or run by one vendor (the vendor on its roster rows)
sites as (
    select
        site,
        max(vendor) as vendor
    from agents
    where site is not null
    group by site
),

vendors as (
    select
        vendor,
        count(*) as sites_count
    from sites
    where vendor is not null
    group by vendor
),

-- what is compared, and the sites each covers
compared_units as (
    select
        'site' as comparison_level,
        site as compared_unit,
        site,
        vendor,
        vendor is not null as is_outsourced,
        site || ' (' || coalesce(vendor, 'in-house') || ')' as compared_label
    from sites
    union all
    select
        'vendor' as comparison_level,
        vendor as compared_unit,
        null as site,
        vendor,
        true as is_outsourced,
        vendor || ' (' || sites_count || ' sites)' as compared_label
    from vendors
    where sites_count > 1
),

compared_unit_sites as (
    select comparison_level, compared_unit, site
    from compared_units
    where comparison_level = 'site'
    union all
    select 'vendor' as comparison_level, sites.vendor as compared_unit, sites.site
    from sites
    inner join vendors on sites.vendor = vendors.vendor
    where vendors.sites_count > 1
),

metric_observations as (
    select
        observations.metric,
        cast(observations.observed_at as date) as observed_on,
        observations.site,
        observations.value
    from observations
    inner join metric_registry on observations.metric = metric_registry.metric
),

recent_periods as (
    select
        metric_registry.metric,
        data_range.as_of_date - metric_registry.complete_after_days
        - {{ recent_days - 1 }} as period_start,
        data_range.as_of_date - metric_registry.complete_after_days as period_end
    from metric_registry
    cross join data_range
),

observation_periods as (
    select
        'month' as period_grain,
        cast({{ dbt.date_trunc('month', 'observed_on') }} as date) as period_start,
        cast(
            {{ dbt.last_day('observed_on', 'month') }} as date
        ) as period_end,
        metric,
        site,
        value
    from metric_observations
    union all
    select
        'recent' as period_grain,
        recent_periods.period_start,
        recent_periods.period_end,
        metric_observations.metric,
        metric_observations.site,
        metric_observations.value
    from metric_observations
    inner join recent_periods
        on metric_observations.metric = recent_periods.metric
        and metric_observations.observed_on
        between recent_periods.period_start and recent_periods.period_end
),

-- each site's observations of a period summed up once: count, total, mean and the sum of
-- squared deviations from the mean (M2); contacts of no known site form a cell of their own
site_cells as (
    select
        metric,
        period_grain,
        period_start,
        period_end,
        site,
        count(*) as units,
        sum(value) as value_total,
        avg(value) as value_mean,
        coalesce(var_samp(value) * (count(*) - 1), 0) as squared_deviations
    from observation_periods
    group by all
),

-- the cells on each side of a compared unit (its own sites, the rest of the centre) with the
-- side's mean
side_cells as (
    select
        compared_units.comparison_level,
        compared_units.compared_unit,
        site_cells.*,
        compared_unit_sites.site is not null as is_compared_unit,
        sum(site_cells.units * site_cells.value_mean) over side
        / sum(site_cells.units) over side as side_mean
    from site_cells
    cross join compared_units
    left join compared_unit_sites
        on compared_units.comparison_level = compared_unit_sites.comparison_level
        and compared_units.compared_unit = compared_unit_sites.compared_unit
        and site_cells.site = compared_unit_sites.site
    window side as (
        partition by
            compared_units.comparison_level, compared_units.compared_unit, site_cells.metric,
            site_cells.period_grain, site_cells.period_start,
            compared_unit_sites.site is not null
    )
),

-- the cells combined (Chan et al.): M2 = Σ M2ᵢ + Σ nᵢ·(meanᵢ − mean)², variance M2 / (n − 1),
-- as over the observations themselves, without a pass over them per compared unit
sides as (
    select
        comparison_level,
        compared_unit,
        metric,
        period_grain,
        period_start,
        period_end,
        is_compared_unit,
        cast(sum(units) as bigint) as units,
        any_value(side_mean) as value,
        sum(value_total) as value_sum,
        case
            when sum(units) >= 2 then (
                sum(squared_deviations) + sum(units * pow(value_mean - side_mean, 2))
            ) / (sum(units) - 1)
        end as value_variance
    from side_cells
    group by
        comparison_level, compared_unit, metric, period_grain, period_start, period_end,
        is_compared_unit
),

paired as (
    select
        own.comparison_level,
        own.compared_unit,
        own.metric,
        own.period_grain,
        own.period_start,
        own.period_end,
        metric_registry.is_proportion,
        own.units,
        own.value,
        own.value_sum,
        sqrt(own.value_variance) as value_sd,
        own.value_variance,
        rest.units as rest_units,
        rest.value as rest_value,
        rest.value_sum as rest_value_sum,
        sqrt(rest.value_variance) as rest_value_sd,
        rest.value_variance as rest_value_variance
    from sides as own
    inner join metric_registry on own.metric = metric_registry.metric
    left join sides as rest
        on own.comparison_level = rest.comparison_level
        and own.compared_unit = rest.compared_unit
        and own.metric = rest.metric
        and own.period_grain = rest.period_grain
        and own.period_start = rest.period_start
        and not rest.is_compared_unit
    where own.is_compared_unit
),

with_intervals as (
    select
        *,
        -- (the Wilson bounds only see the 0/1 counts of a proportion)
        case
            when is_proportion then {{ wilson_bound(
                'case when is_proportion then value_sum end', 'units', normal_quantile(), -1
            ) }}
            else value - {{ t_interval_half_width('value_sd', 'units') }}
        end as value_lower,
        case
            when is_proportion then {{ wilson_bound(
                'case when is_proportion then value_sum end', 'units', normal_quantile(), 1
            ) }}
            else value + {{ t_interval_half_width('value_sd', 'units') }}
        end as value_upper,
        case
            when is_proportion then {{ wilson_bound(
                'case when is_proportion then rest_value_sum end', 'rest_units',
                normal_quantile(), -1
            ) }}
            else rest_value - {{ t_interval_half_width('rest_value_sd', 'rest_units') }}
        end as rest_value_lower,
        case
            when is_proportion then {{ wilson_bound(
                'case when is_proportion then rest_value_sum end', 'rest_units',
                normal_quantile(), 1
            ) }}
            else rest_value + {{ t_interval_half_width('rest_value_sd', 'rest_units') }}
        end as rest_value_upper,
        value - rest_value as difference,
        case
            when not is_proportion then {{ welch_half_width(
                'value_variance', 'units', 'rest_value_variance', 'rest_units'
            ) }}
        end as difference_half_width
    from paired
),

differences as (
    select
        *,
        case
            when is_proportion then {{ newcombe_bound(
                'value', 'value_lower', 'value_upper',
                'rest_value', 'rest_value_lower', 'rest_value_upper', -1
            ) }}
            else difference - difference_half_width
        end as difference_lower,
        case
            when is_proportion then {{ newcombe_bound(
                'value', 'value_lower', 'value_upper',
                'rest_value', 'rest_value_lower', 'rest_value_upper', 1
            ) }}
            else difference + difference_half_width
        end as difference_upper
    from with_intervals
),

judged as (
    select
        differences.*,
        metric_registry.metric_label,
        metric_registry.format,
        metric_registry.unit,
        metric_registry.units_label,
        metric_registry.direction,
        metric_registry.complete_after_days,
        differences.difference_lower <= 0 and differences.difference_upper >= 0
            as is_within_noise,
        case metric_registry.direction
            when 'higher' then differences.difference_lower > 0
            when 'lower' then differences.difference_upper < 0
        end as is_clearly_better,
        case metric_registry.direction
            when 'higher' then differences.difference_upper < 0
            when 'lower' then differences.difference_lower > 0
        end as is_clearly_worse
    from differences
    inner join metric_registry on differences.metric = metric_registry.metric
),

-- a difference as people read it: percentage points, seconds, or the value's own decimals
described as (
    select
        *,
        case
            when is_within_noise then 'within noise'
            when is_clearly_better then 'better'
            when is_clearly_worse then 'worse'
            else 'too little data to tell'
        end as comparison,
        case format
            when 'percent' then {{ format_number('100 * difference', '+.1f') }} || ' points'
            when 'seconds' then {{ format_number('difference', '+.0f') }} || ' s'
            when 'score' then {{ format_number('difference', '+.1f') }}
            when 'ratio' then {{ format_number('difference', '+.3f') }}
            else {{ format_number('difference', '+.2f') }}
        end as difference_text,
        case format
            when 'percent' then {{ format_number('100 * difference_lower', '+.1f') }} || ' to '
                || {{ format_number('100 * difference_upper', '+.1f') }} || ' points'
            when 'seconds' then {{ format_number('difference_lower', '+.0f') }} || ' to '
                || {{ format_number('difference_upper', '+.0f') }} || ' s'
            when 'score' then {{ format_number('difference_lower', '+.1f') }} || ' to '
                || {{ format_number('difference_upper', '+.1f') }}
            when 'ratio' then {{ format_number('difference_lower', '+.3f') }} || ' to '
                || {{ format_number('difference_upper', '+.3f') }}
            else {{ format_number('difference_lower', '+.2f') }} || ' to '
                || {{ format_number('difference_upper', '+.2f') }}
        end as difference_interval_text
    from judged
),

final as (
    select
        described.comparison_level,
        described.compared_unit,
        compared_units.compared_label,
        compared_units.site,
        compared_units.vendor,
        compared_units.is_outsourced,
        described.metric,
        described.metric_label,
        described.format,
        described.unit,
        described.units_label,
        described.direction,
        described.is_proportion,
        described.period_grain,
        described.period_start,
        described.period_end,
        described.period_start >= data_range.first_date
            and described.period_end + described.complete_after_days <= data_range.as_of_date
            as is_period_complete,
        {{ scorecard_confidence() }} as confidence_level,
        described.units,
        described.value,
        described.value_lower,
        described.value_upper,
        coalesce(described.rest_units, 0) as rest_units,
        described.rest_value,
        described.rest_value_lower,
        described.rest_value_upper,
        described.difference,
        described.difference_lower,
        described.difference_upper,
        described.is_within_noise,
        coalesce(described.is_clearly_better, false) as is_better,
        coalesce(described.is_clearly_worse, false) as is_worse,
        described.comparison,
        compared_units.compared_label || ': ' || described.metric_label || ' '
        || {{ format_metric_value('described.value', 'described.format') }}
        || coalesce(
            ' vs ' || {{ format_metric_value('described.rest_value', 'described.format') }}
            || ' elsewhere',
            ' (nothing elsewhere to compare with)'
        )
        || case described.comparison
            when 'within noise' then ' — within noise'
            when 'too little data to tell'
                then ' — too few ' || described.units_label || ' to tell'
            else ' — ' || described.comparison || ' (difference '
                || described.difference_text || ', interval '
                || described.difference_interval_text || ')'
        end as note
    from described
    inner join compared_units
        on described.comparison_level = compared_units.comparison_level
        and described.compared_unit = compared_units.compared_unit
    cross join data_range
)

select * from final

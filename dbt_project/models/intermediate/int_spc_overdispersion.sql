-- σ_z of every series stage, measured once on its Phase I baseline (macro
-- spc_overdispersion): how much more its subgroups differ than the binomial / Poisson /
-- within-subgroup model of its chart says. It decides between the plain and the Laney chart
-- of p and u metrics (registry option `overdispersion`: auto, laney or plain). "Clearly above
-- 1" is beyond two standard errors of the moving-range estimate (0.83 / sqrt(moving
-- ranges)); such an estimate has about 0.62 degrees of freedom per moving range (Wheeler).
--
-- Fourteen baseline subgroups (six weeks) measure a series' overdispersion loosely, so the
-- attention test reads the family's: the between-subgroup variance beyond the binomial /
-- Poisson / within-subgroup model, relative to the level (τ² / x̄²), estimated over every
-- process-level series of the same metric and grain (the centre, sites, teams, queues,
-- channels), whose days share the same staffing, systems and weather, with each pair of
-- consecutive baseline points weighted by its precision (macro spc_overdispersion); single
-- agents, too few units a day to measure it, share it. A series' own overdispersion then
-- follows from its size (σ_z² = 1 + τ² / σ_i²: larger for the whole centre than for a team).
{%- set charts = var('metrics') | map(attribute='chart') | select('in', ['p', 'u', 'xbar_s', 'xbar_r']) | unique | list %}
with engine_input as (
    select * from {{ ref('int_spc_engine_input') }}
),

overdispersion_modes (metric, mode) as (
    values
    {%- for metric in var('metrics') %}
    ('{{ metric.metric }}', '{{ metric.overdispersion or "auto" }}'){{ ',' if not loop.last }}
    {%- endfor %}
),

series_metrics as (
    select distinct series_id, metric, metric_detail, chart, grain, segment_kind
    from {{ ref('int_spc_subgroups') }}
),

{%- for chart in charts %}
input_{{ chart }} as (
    select {{ star_except(['chart']) }} from engine_input where chart = '{{ chart }}'
),
{%- endfor %}

measured as (
    {%- for chart in charts %}
    {{ 'union all' if not loop.first }}
    select * from ({{ spc_overdispersion('input_' ~ chart, chart, summarised=true) }})
    {%- endfor %}
),

series_stages as (
    select
        measured.series_id,
        measured.stage,
        series_metrics.metric,
        series_metrics.chart,
        measured.sigma_z,
        measured.moving_ranges_count,
        1 + 2 * 0.83 / sqrt(greatest(measured.moving_ranges_count, 1)) as overdispersion_threshold,
        coalesce(measured.sigma_z > overdispersion_threshold, false) as is_overdispersed,
        0.62 * measured.moving_ranges_count as sigma_z_degrees_of_freedom,
        series_metrics.chart in ('p', 'u') and (
            (overdispersion_modes.mode = 'laney' and measured.sigma_z is not null)
            or (overdispersion_modes.mode = 'auto' and is_overdispersed)
        ) as is_laney,
        measured.weighted_excess,
        measured.weighted_level,
        measured.weighted_level_squares,
        series_metrics.metric_detail,
        series_metrics.grain,
        series_metrics.segment_kind
    from measured
    inner join series_metrics using (series_id)
    inner join overdispersion_modes using (metric)
),

families as (
    select
        metric,
        metric_detail,
        grain,
        greatest(0, sum(weighted_excess) / nullif(sum(weighted_level), 0))
            as family_relative_between_variance,
        -- about 0.62 degrees of freedom per (effective) pair, as for moving ranges
        0.62 * power(sum(weighted_level), 2) / nullif(sum(weighted_level_squares), 0)
            as family_degrees_of_freedom
    from series_stages
    where segment_kind <> 'agent'
    group by all
),

final as (
    select
        {{ star_except(['weighted_excess', 'weighted_level', 'weighted_level_squares'], 'series_stages') }},
        families.family_relative_between_variance,
        families.family_degrees_of_freedom
    from series_stages
    left join families using (metric, metric_detail, grain)
)

select * from final

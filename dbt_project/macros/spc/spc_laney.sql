{#- Laney p′ and u′ charts: p and u charts that stay honest when subgroups are large and the
    day-to-day variation exceeds the binomial / Poisson one (overdispersion). Each point is
    standardised against the plain chart, z_i = (x_i − x̄) / σ_i; σ_z is the average moving
    range of the baseline z values / 1.128; limits are x̄ ± 3 σ_i σ_z. With σ_z = 1 they are
    the plain chart's limits. `source` is as for spc_attribute_chart; `dispersion`, when
    given, is a relation holding σ_z per (series_id, stage) measured once elsewhere (the
    marts' int_spc_overdispersion), else σ_z is measured here on `source`'s baseline. -#}
{% macro spc_laney_chart(source, chart, nsigmas=3, dispersion=none, summarised=false) %}
    {%- set base = 'p' if chart == 'laney_p' else 'u' %}
    with plain as (
        {{ spc_attribute_chart(source, base, nsigmas) }}
    ),

    dispersion as (
        {%- if dispersion is none %}
        {{ spc_overdispersion(source, base, summarised) }}
        {%- else %}
        select series_id, stage, sigma_z from {{ dispersion }}
        {%- endif %}
    )

    select
        plain.series_id,
        plain.stage,
        '{{ chart }}' as chart,
        plain.subgroup_order,
        plain.subgroup,
        plain.n,
        plain.value,
        plain.center,
        greatest(plain.center - {{ nsigmas }} * plain.sigma * dispersion.sigma_z, 0) as lcl,
        plain.center + {{ nsigmas }} * plain.sigma * dispersion.sigma_z as ucl,
        plain.sigma * dispersion.sigma_z as sigma,
        plain.in_baseline
    from plain
    inner join dispersion using (series_id, stage)
{% endmacro %}

{#- Overdispersion of a series per stage, measured on its Phase I baseline against the chart
    of location (p, u, or X̄ of an X̄–S / X̄–R chart):
    - σ_z, the standard deviation of the baseline points standardised against the chart,
      as the average moving range / 1.128, and how many moving ranges it rests on. σ_z near
      1: the binomial / Poisson / within-subgroup model holds; well above 1: subgroups
      differ more than that model says, and limits that ignore it are too narrow;
    - the pieces of a moment estimate of the between-subgroup variance τ² beyond that model,
      relative to the level (τ² / x̄²), weighted for precision so that many series can be
      pooled: over consecutive baseline points, with e = ((x_i − x_{i−1})² − σ_i² − σ_{i−1}²)
      / 2 (whose mean is τ²) and w = 1 / (σ_i² + σ_{i−1}²)², the sums Σ w·e and Σ w·x̄²,
      and Σ (w·x̄²)² for the estimate's effective number of pairs. -#}
{% macro spc_overdispersion(source, chart, summarised=false) %}
    {%- set location = {'p': 'p', 'u': 'u', 'xbar_s': 'xbar', 'xbar_r': 'xbar'}[chart] %}
    with baseline_points as (
        select series_id, stage, subgroup_order, value, center, sigma
        from ({{ spc_chart(source, chart, summarised=summarised) }})
        where in_baseline and chart = '{{ location }}'
    ),

    pairs as (
        select
            series_id,
            stage,
            center,
            {{ spc_moving_range('(value - center) / nullif(sigma, 0)') }} as moving_range,
            power({{ spc_moving_range('value') }}, 2) as square_step,
            power(sigma, 2) + power(lag(sigma) over (
                partition by series_id, stage order by subgroup_order
            ), 2) as model_variance
        from baseline_points
    ),

    weighted as (
        select
            *,
            1 / power(nullif(model_variance, 0), 2) as weight,
            (square_step - model_variance) / 2 as excess_square
        from pairs
    )

    select
        series_id,
        stage,
        avg(moving_range) / {{ spc_d2(2) }} as sigma_z,
        count(moving_range) as moving_ranges_count,
        sum(weight * excess_square) as weighted_excess,
        sum(weight * power(center, 2)) as weighted_level,
        sum(power((weight * power(center, 2)), 2)) as weighted_level_squares
    from weighted
    group by series_id, stage
{% endmacro %}

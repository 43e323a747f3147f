{#- Laney p′ and u′ charts: p and u charts that stay honest when subgroups are large and the
    day-to-day variation exceeds the binomial / Poisson one (overdispersion). Each point is
    standardised against the plain chart, z_i = (x_i − x̄) / σ_i; σ_z is the average moving
    range of the baseline z values / 1.128; limits are x̄ ± 3 σ_i σ_z. With σ_z = 1 they are
    the plain chart's limits. `source` is as for spc_attribute_chart. -#}
{% macro spc_laney_chart(source, chart, nsigmas=3) %}
    {%- set base = 'p' if chart == 'laney_p' else 'u' %}
    with plain as (
        {{ spc_attribute_chart(source, base, nsigmas) }}
    ),

    standardised as (
        select *, (value - center) / nullif(sigma, 0) as z,
        from plain
    ),

    baseline_z as (
        select
            series_id,
            stage,
            {{ spc_moving_range('z') }} as moving_range,
        from standardised
        where in_baseline
    ),

    dispersion as (
        select
            series_id,
            stage,
            avg(moving_range) / {{ spc_d2(2) }} as sigma_z,
            count(moving_range) as moving_ranges_count,
        from baseline_z
        group by series_id, stage
    )

    select
        standardised.series_id,
        standardised.stage,
        '{{ chart }}' as chart,
        standardised.subgroup_order,
        standardised.subgroup,
        standardised.n,
        standardised.value,
        standardised.center,
        greatest(standardised.center - {{ nsigmas }} * standardised.sigma * dispersion.sigma_z, 0)
            as lcl,
        standardised.center + {{ nsigmas }} * standardised.sigma * dispersion.sigma_z as ucl,
        standardised.sigma * dispersion.sigma_z as sigma,
        standardised.in_baseline,
    from standardised
    inner join dispersion using (series_id, stage)
{% endmacro %}

{#- Overdispersion of a p or u series per stage: σ_z of the Laney chart and how many moving
    ranges it rests on. σ_z near 1: the binomial / Poisson model holds; well above 1: the
    plain chart's limits are too narrow. -#}
{% macro spc_overdispersion(source, chart) %}
    with plain as (
        {{ spc_attribute_chart(source, chart) }}
    ),

    standardised as (
        select
            series_id,
            stage,
            {{ spc_moving_range('(value - center) / nullif(sigma, 0)') }} as moving_range,
        from plain
        where in_baseline
    )

    select
        series_id,
        stage,
        avg(moving_range) / {{ spc_d2(2) }} as sigma_z,
        count(moving_range) as moving_ranges_count,
    from standardised
    group by series_id, stage
{% endmacro %}

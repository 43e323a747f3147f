{#- EWMA and tabular CUSUM: charts with memory, for small sustained shifts. `source` has one
    row per observation like the X̄ charts. The centre μ0 and sigma σ come from the stage's
    baseline (σ as qcc: UWAVE-R for subgroups, average moving range / 1.128 for single
    values) unless `target` / `sigma` are given. The recursions run as recursive CTEs,
    restarting at every stage. -#}
{% macro spc_sequential_base(source, target, sigma, summarised=false) %}
    subgroups as (
        {{ spc_subgroup_stats(source, summarised) }}
    ),

    baseline_points as (
        select
            *,
            {{ spc_d2('n') }} as d2,
            {{ spc_d3('n') }} as d3,
            {{ spc_moving_range('mean_value') }} as moving_range
        from subgroups
        where in_baseline
    ),

    stages as (
        select distinct series_id, stage from subgroups
    ),

    baseline as (
        select
            stages.series_id,
            stages.stage,
            {% if target is not none -%} {{ target }} {%- else -%}
                sum(n * mean_value) / sum(n) {%- endif %} as center,
            {% if sigma is not none -%} {{ sigma }} {%- else -%}
                case when max(n) = 1 then avg(moving_range) / {{ spc_d2(2) }}
                else sum(power(d2 / d3, 2) * range_value / d2)
                    / sum(power(d2 / d3, 2)) filter (where n > 1)
                end {%- endif %} as sigma_hat
        from stages
        left join baseline_points
            on stages.series_id = baseline_points.series_id
            and stages.stage = baseline_points.stage
        group by stages.series_id, stages.stage
    ),

    ordered as (
        select
            subgroups.*,
            baseline.center,
            baseline.sigma_hat / sqrt(subgroups.n) as sigma,
            row_number() over (
                partition by subgroups.series_id, subgroups.stage order by subgroups.subgroup_order
            ) as step
        from subgroups
        inner join baseline using (series_id, stage)
    )
{% endmacro %}

{% macro spc_ewma_chart(source, ewma_lambda=0.2, nsigmas=3, target=none, sigma=none, summarised=false) %}
    with recursive
    {{ spc_sequential_base(source, target, sigma, summarised) }},

    smoothed (series_id, stage, step, ewma) as (
        select series_id, stage, 0, center from baseline
        union all
        select
            ordered.series_id,
            ordered.stage,
            ordered.step,
            {{ ewma_lambda }} * ordered.mean_value + (1 - {{ ewma_lambda }}) * smoothed.ewma
        from smoothed
        inner join ordered
            on ordered.series_id = smoothed.series_id
            and ordered.stage = smoothed.stage
            and ordered.step = smoothed.step + 1
    ),

    limits as (
        select
            ordered.*,
            smoothed.ewma,
            ordered.sigma * sqrt(
                {{ ewma_lambda }} / (2 - {{ ewma_lambda }})
                * (1 - power(1 - {{ ewma_lambda }}, 2 * ordered.step))
            ) as ewma_sigma
        from ordered
        inner join smoothed using (series_id, stage, step)
    )

    select
        series_id,
        stage,
        'ewma' as chart,
        subgroup_order,
        subgroup,
        n,
        ewma as value,
        center,
        center - {{ nsigmas }} * ewma_sigma as lcl,
        center + {{ nsigmas }} * ewma_sigma as ucl,
        ewma_sigma as sigma,
        in_baseline
    from limits
{% endmacro %}

{% macro spc_cusum_chart(source, cusum_k=0.5, cusum_h=5, target=none, sigma=none, summarised=false) %}
    with recursive
    {{ spc_sequential_base(source, target, sigma, summarised) }},

    sums (series_id, stage, step, upper_sum, lower_sum) as (
        select series_id, stage, 0, 0.0::double, 0.0::double from baseline
        union all
        select
            ordered.series_id,
            ordered.stage,
            ordered.step,
            greatest(0, ordered.mean_value - (ordered.center + {{ cusum_k }} * ordered.sigma)
                + sums.upper_sum),
            greatest(0, (ordered.center - {{ cusum_k }} * ordered.sigma) - ordered.mean_value
                + sums.lower_sum)
        from sums
        inner join ordered
            on ordered.series_id = sums.series_id
            and ordered.stage = sums.stage
            and ordered.step = sums.step + 1
    ),

    parts as (
        select ordered.*, 'cusum_upper' as chart, sums.upper_sum as value
        from ordered inner join sums using (series_id, stage, step)
        union all
        select ordered.*, 'cusum_lower' as chart, sums.lower_sum as value
        from ordered inner join sums using (series_id, stage, step)
    )

    select
        series_id,
        stage,
        chart,
        subgroup_order,
        subgroup,
        n,
        value,
        0.0 as center,
        0.0 as lcl,
        {{ cusum_h }} * sigma as ucl,
        sigma,
        in_baseline
    from parts
{% endmacro %}

{#- X̄–R, X̄–S and I–MR charts. `source` has one row per observation: series_id, stage,
    subgroup_order, subgroup, value, in_baseline. Sigma follows R qcc: for X̄ charts the
    unbiased weighted averages of R/d2 ("UWAVE-R") or s/c4 ("UWAVE-SD") over the baseline,
    so varying subgroup sizes are handled; for individuals the average moving range / 1.128
    of consecutive baseline points (an excluded point makes its neighbours adjacent), or with
    sigma_method 'sd' the baseline standard deviation / c4(count).

    With `summarised`, `source` has one row per subgroup instead (the marts' form, see
    int_spc_engine_input): value = the subgroup mean, size = its observations, sd_value and
    range_value their standard deviation and range. -#}
{% macro spc_subgroup_stats(source, summarised=false) %}
    {%- if summarised %}
    select
        series_id,
        stage,
        subgroup_order,
        subgroup,
        in_baseline,
        cast(size as bigint) as n,
        value as mean_value,
        range_value,
        sd_value
    from {{ source }}
    {%- else %}
    select
        series_id,
        stage,
        subgroup_order,
        any_value(subgroup) as subgroup,
        bool_or(in_baseline) as in_baseline,
        count(*) as n,
        avg(value) as mean_value,
        max(value) - min(value) as range_value,
        stddev_samp(value) as sd_value
    from {{ source }}
    group by series_id, stage, subgroup_order
    {%- endif %}
{% endmacro %}

{% macro spc_xbar_chart(source, dispersion, nsigmas=3, summarised=false) %}
    with subgroups as (
        {{ spc_subgroup_stats(source, summarised) }}
    ),

    with_constants as (
        select
            *,
            {{ spc_d2('n') }} as d2,
            {{ spc_d3('n') }} as d3,
            {{ spc_c4('n') }} as c4
        from subgroups
    ),

    baseline as (
        select
            series_id,
            stage,
            sum(n * mean_value) / sum(n) as grand_mean,
            {% if dispersion == 'r' -%}
                sum(power(d2 / d3, 2) * range_value / d2) / sum(power(d2 / d3, 2)) as sigma_hat
            {%- else -%}
                sum(power(c4, 2) / (1 - power(c4, 2)) * sd_value / c4)
                / sum(power(c4, 2) / (1 - power(c4, 2))) as sigma_hat
            {%- endif %}
        from with_constants
        where in_baseline and n > 1
        group by series_id, stage
    ),

    parts as (
        select
            with_constants.*,
            'xbar' as chart,
            mean_value as value,
            baseline.grand_mean as center,
            baseline.sigma_hat / sqrt(n) as sigma
        from with_constants
        inner join baseline using (series_id, stage)

        union all

        select
            with_constants.*,
            '{{ dispersion }}' as chart,
            {% if dispersion == 'r' -%}
                range_value as value,
                d2 * baseline.sigma_hat as center,
                d3 * baseline.sigma_hat as sigma
            {%- else -%}
                sd_value as value,
                c4 * baseline.sigma_hat as center,
                baseline.sigma_hat * sqrt(1 - power(c4, 2)) as sigma
            {%- endif %}
        from with_constants
        inner join baseline using (series_id, stage)
    )

    {{ spc_points_with_limits('parts', 'xbar', nsigmas) }}
{% endmacro %}

{% macro spc_imr_chart(source, nsigmas=3, sigma_method="mr", summarised=false) %}
    with points as (
        {{ spc_subgroup_stats(source, summarised) }}
    ),

    moving_ranges as (
        select
            *,
            {{ spc_moving_range('mean_value') }} as moving_range
        from points
    ),

    baseline_ranges as (
        select
            series_id,
            stage,
            mean_value,
            {{ spc_moving_range('mean_value') }} as moving_range
        from points
        where in_baseline
    ),

    baseline as (
        select
            series_id,
            stage,
            avg(mean_value) as center,
            avg(moving_range) as mean_moving_range,
            {% if sigma_method == 'sd' -%}
                stddev_samp(mean_value) / {{ spc_c4('count(*)') }} as sigma_hat
            {%- else -%}
                avg(moving_range) / {{ spc_d2(2) }} as sigma_hat
            {%- endif %}
        from baseline_ranges
        group by series_id, stage
    ),

    parts as (
        select
            moving_ranges.*,
            'i' as chart,
            mean_value as value,
            baseline.center,
            baseline.sigma_hat as sigma
        from moving_ranges
        inner join baseline using (series_id, stage)

        union all

        select
            moving_ranges.*,
            'mr' as chart,
            moving_range as value,
            baseline.mean_moving_range as center,
            {{ spc_d3(2) }} * baseline.sigma_hat as sigma
        from moving_ranges
        inner join baseline using (series_id, stage)
        where moving_range is not null
    )

    {{ spc_points_with_limits('parts', 'i', nsigmas) }}
{% endmacro %}

{#- The engine's output columns over `parts`; limits at ± nsigmas · sigma, the LCL floored at
    0 except on the chart of location (a mean can be negative, a spread cannot). -#}
{% macro spc_points_with_limits(parts, location_chart, nsigmas) %}
    select
        series_id,
        stage,
        chart,
        subgroup_order,
        subgroup,
        n,
        value,
        center,
        case when chart = '{{ location_chart }}' then center - {{ nsigmas }} * sigma
            else greatest(center - {{ nsigmas }} * sigma, 0) end as lcl,
        center + {{ nsigmas }} * sigma as ucl,
        sigma,
        in_baseline
    from {{ parts }}
{% endmacro %}

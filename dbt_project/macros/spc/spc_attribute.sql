{#- p, np, c and u charts. `source` has one row per subgroup: series_id, stage,
    subgroup_order, subgroup, value (the count of nonconforming units or defects),
    size (units inspected) and in_baseline. Limits are 3 sigma from the stage's baseline
    (Phase I) and held for the stage's later subgroups (Phase II); a negative LCL is 0. -#}
{% macro spc_attribute_chart(source, chart, nsigmas=3) %}
    with subgroups as (
        select
            series_id,
            stage,
            subgroup_order,
            subgroup,
            cast(size as double) as n,
            cast(value as double) as count_value,
            in_baseline
        from {{ source }}
    ),

    baseline as (
        select
            series_id,
            stage,
            sum(count_value) / sum(n) as rate,
            avg(count_value) as mean_count
        from subgroups
        where in_baseline
        group by series_id, stage
    ),

    limits as (
        select
            subgroups.*,
            {% if chart == 'p' -%}
                subgroups.count_value / subgroups.n as point_value,
                baseline.rate as center,
                sqrt(baseline.rate * (1 - baseline.rate) / subgroups.n) as sigma
            {%- elif chart == 'np' -%}
                subgroups.count_value as point_value,
                subgroups.n * baseline.rate as center,
                sqrt(subgroups.n * baseline.rate * (1 - baseline.rate)) as sigma
            {%- elif chart == 'c' -%}
                subgroups.count_value as point_value,
                baseline.mean_count as center,
                sqrt(baseline.mean_count) as sigma
            {%- elif chart == 'u' -%}
                subgroups.count_value / subgroups.n as point_value,
                baseline.rate as center,
                sqrt(baseline.rate / subgroups.n) as sigma
            {%- endif %}
        from subgroups
        inner join baseline
            on subgroups.series_id = baseline.series_id
            and subgroups.stage = baseline.stage
    )

    select
        series_id,
        stage,
        '{{ chart }}' as chart,
        subgroup_order,
        subgroup,
        n,
        point_value as value,
        center,
        greatest(center - {{ nsigmas }} * sigma, 0) as lcl,
        center + {{ nsigmas }} * sigma as ucl,
        sigma,
        in_baseline
    from limits
{% endmacro %}

{#- Run rules over chart points (the output of spc_chart): one row per signal, naming the
    rule, the subgroup where it fires and the points involved. Rules 1-4 are the Western
    Electric rules, 5-8 Nelson's further ones; `rules` is 'we' (1-4), 'nelson' (1-8) or
    'none'. Zone rules (2-8) apply to charts of location (X̄, individuals, and p, np, c, u
    where the LCL is above 0: with rare events the count's distribution is too skewed for
    zones, and runs of zero-defect days would fire rule 4); rule 1 to every chart. -#}
{% macro spc_signals(points, rules='we') %}
    {%- set catalogue = [
        ('1', 1, 'a point beyond the control limits'),
        ('2', 3, '2 of 3 points in a row beyond 2 sigma on the same side'),
        ('3', 5, '4 of 5 points in a row beyond 1 sigma on the same side'),
        ('4', 8, '8 points in a row on the same side of the centre line'),
        ('5', 6, '6 points in a row steadily increasing or decreasing'),
        ('6', 14, '14 points in a row alternating up and down'),
        ('7', 15, '15 points in a row within 1 sigma of the centre line'),
        ('8', 8, '8 points in a row beyond 1 sigma on either side'),
    ] -%}
    {%- set active = {'we': ['1', '2', '3', '4'], 'nelson': ['1', '2', '3', '4', '5', '6', '7', '8'], 'none': []}[rules] -%}
    {#- Plain Jinja (qm spc renders it too): Spark's names for a list and its type. #}
    {%- set on_spark = target is defined and target.type == 'spark' -%}
    {%- set list_of = 'collect_list' if on_spark else 'list' -%}
    {%- set list_type = 'array<bigint>' if on_spark else 'bigint[]' -%}
    {#- z and the steps at 9 decimals: a point on the centre line, or two equal points, in
        exact arithmetic can come out a rounding step either side in floating point, in an
        order that depends on DuckDB's threads; on the line it is on neither side. #}
    with scored as (
        select
            *,
            case when sigma > 0 then round((value - center) / sigma, 9) end as z,
            chart in ('xbar', 'i')
                or (chart in ('p', 'np', 'c', 'u', 'laney_p', 'laney_u') and lcl > 0) as has_zones,
            sign(round(value - lag(value) over series_order, 9)) as step_direction
        from {{ points }}
        window series_order as (partition by series_id, stage, chart order by subgroup_order)
    ),

    windows as (
        select
            *,
            {%- for rule, width, _ in catalogue %}
            count(*) over (
                partition by series_id, stage, chart order by subgroup_order
                rows between {{ width - 1 }} preceding and current row
            ) = {{ width }} as full_{{ rule }},
            {{ list_of }}(subgroup_order) over (
                partition by series_id, stage, chart order by subgroup_order
                rows between {{ width - 1 }} preceding and current row
            ) as points_{{ rule }},
            {%- endfor %}
            count(case when z > 2 then 1 end) over last_3 as above_2_of_3,
            count(case when z < -2 then 1 end) over last_3 as below_2_of_3,
            count(case when z > 1 then 1 end) over last_5 as above_1_of_5,
            count(case when z < -1 then 1 end) over last_5 as below_1_of_5,
            count(case when z > 0 then 1 end) over last_8 as above_centre_of_8,
            count(case when z < 0 then 1 end) over last_8 as below_centre_of_8,
            count(case when step_direction > 0 then 1 end) over last_5_steps as rises_of_5,
            count(case when step_direction < 0 then 1 end) over last_5_steps as falls_of_5,
            count(
                case when step_direction <> 0 and step_direction = -previous_direction then 1 end
            ) over last_12_steps as alternations_of_12,
            count(case when abs(z) < 1 then 1 end) over last_15 as within_1_of_15,
            count(case when abs(z) > 1 then 1 end) over last_8 as outside_1_of_8
        from (
            select *, lag(step_direction) over series_order as previous_direction
            from scored
            window series_order as (partition by series_id, stage, chart order by subgroup_order)
        )
        window
            last_3 as (partition by series_id, stage, chart order by subgroup_order
                rows between 2 preceding and current row),
            last_5 as (partition by series_id, stage, chart order by subgroup_order
                rows between 4 preceding and current row),
            last_5_steps as (partition by series_id, stage, chart order by subgroup_order
                rows between 4 preceding and current row),
            last_8 as (partition by series_id, stage, chart order by subgroup_order
                rows between 7 preceding and current row),
            last_12_steps as (partition by series_id, stage, chart order by subgroup_order
                rows between 11 preceding and current row),
            last_15 as (partition by series_id, stage, chart order by subgroup_order
                rows between 14 preceding and current row)
    ),

    fired as (
        select
            *,
            {{ spc_beyond_limits() }} as fires_1,
            has_zones and full_2 and (
                (z > 2 and above_2_of_3 >= 2) or (z < -2 and below_2_of_3 >= 2)) as fires_2,
            has_zones and full_3 and (
                (z > 1 and above_1_of_5 >= 4) or (z < -1 and below_1_of_5 >= 4)) as fires_3,
            has_zones and full_4 and (above_centre_of_8 = 8 or below_centre_of_8 = 8) as fires_4,
            has_zones and full_5 and (rises_of_5 = 5 or falls_of_5 = 5) as fires_5,
            has_zones and full_6 and alternations_of_12 = 12 as fires_6,
            has_zones and full_7 and within_1_of_15 = 15 as fires_7,
            has_zones and full_8 and outside_1_of_8 = 8 as fires_8
        from windows
    )

    {%- for rule, width, description in catalogue if rule in active %}
    {{ 'union all' if not loop.first }}
    select
        series_id,
        stage,
        chart,
        subgroup_order,
        subgroup,
        '{{ rule }}' as rule,
        '{{ description }}' as rule_description,
        points_{{ rule }} as points_involved
    from fired
    where coalesce(fires_{{ rule }}, false)
    {%- else %}
    select
        series_id, stage, chart, subgroup_order, subgroup,
        cast(null as string) as rule, cast(null as string) as rule_description,
        cast(null as {{ list_type }}) as points_involved
    from fired
    where false
    {%- endfor %}
{% endmacro %}

-- mart_spc_points with the rules that fired at each point: what a control chart draws.
with points as (
    select * from {{ ref('mart_spc_points') }}
),

fired as (
    select
        series_id,
        chart,
        subgroup_start,
        string_agg(rule, ';' order by rule) as rules_fired,
    from {{ ref('mart_spc_signals') }}
    group by series_id, chart, subgroup_start
),

final as (
    select
        points.*,
        fired.rules_fired,
    from points
    left join fired using (series_id, chart, subgroup_start)
)

select * from final

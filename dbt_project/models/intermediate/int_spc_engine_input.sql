-- The SPC engine's input for every series: for p and u charts one row per subgroup (value =
-- the count, size = units), for the other charts one row per observation; each with the
-- stage and Phase I baseline flag of int_spc_subgroups (provisional subgroups are never in a
-- baseline, so the engine draws them against the limits like any later subgroup).
with subgroups as (
    select * from {{ ref('int_spc_subgroups') }}
),

observations as (
    select * from {{ ref('int_spc_observations') }}
),

attribute_rows as (
    select
        series_id,
        chart,
        stage,
        subgroup_order,
        cast(subgroup_start as varchar) as subgroup,
        value_sum as value,
        cast(units as double) as size,
        in_baseline,
    from subgroups
    where chart in ('p', 'np', 'c', 'u')
),

observation_rows as (
    select
        subgroups.series_id,
        subgroups.chart,
        subgroups.stage,
        subgroups.subgroup_order,
        cast(subgroups.subgroup_start as varchar) as subgroup,
        observations.value,
        1.0 as size,
        subgroups.in_baseline,
    from observations
    inner join subgroups using (series_id, subgroup_start)
    where subgroups.chart not in ('p', 'np', 'c', 'u')
),

final as (
    select * from attribute_rows
    union all
    select * from observation_rows
)

select * from final

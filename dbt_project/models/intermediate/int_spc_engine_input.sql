-- The SPC engine's input for every series, one row per subgroup (the engine's summarised
-- form): for p and u charts value = the count and size = the units; for the charts of a
-- measurement value = the subgroup mean, size = its observations, with their standard
-- deviation and range. Each row carries the stage and Phase I baseline flag of
-- int_spc_subgroups (provisional subgroups are never in a baseline, so the engine draws them
-- against the limits like any later subgroup).
with subgroups as (
    select * from {{ ref('int_spc_subgroups') }}
),

final as (
    select
        series_id,
        chart,
        stage,
        subgroup_order,
        cast(subgroup_start as string) as subgroup,
        case when chart in ('p', 'np', 'c', 'u') then value_sum else mean_value end as value,
        cast(units as double) as size,
        sd_value,
        range_value,
        in_baseline
    from subgroups
)

select * from final

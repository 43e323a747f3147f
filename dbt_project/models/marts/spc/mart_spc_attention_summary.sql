-- One row per level of the attention list (process, agent): how many series there are, how
-- many could be tested for a recent shift and how many are listed, at which false discovery
-- rate. What the attention page says above its list.
with series as (
    select * from {{ ref('mart_spc_series') }}
),

levels (level) as (
    values ('process'), ('agent')
),

final as (
    select
        levels.level,
        count(series.series_id) as series_count,
        count(series.series_id) filter (where series.shift_test_status = 'tested')
            as tested_count,
        count(series.series_id) filter (where series.is_on_attention_list) as listed_count,
        cast({{ var('attention')['false_discovery_rate'] }} as double) as false_discovery_rate
    from levels
    left join series using (level)
    group by levels.level
)

select * from final

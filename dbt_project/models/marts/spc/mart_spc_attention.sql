-- What needs attention: every SPC series that signalled in its most recent subgroups (the
-- grain's attention_subgroups in var spc), its latest signal on the chart of location in
-- plain words, the value against its limits and the recorded process change that may
-- explain it. Newest first.
with signals as (
    select * from {{ ref('mart_spc_signals') }}
),

points as (
    select * from {{ ref('mart_spc_points') }}
),

process_changes as (
    select * from {{ ref('stg_process_changes') }}
),

recency as (
    select
        series_id,
        subgroup_start,
        dense_rank() over (partition by series_id order by subgroup_start desc) as recency,
    from (select distinct series_id, subgroup_start from points)
),

recent_signals as (
    select
        signals.*,
        first_point.value as first_value,
        first_point.subgroup_start as pattern_started_on,
    from signals
    inner join recency using (series_id, subgroup_start)
    inner join points as first_point
        on first_point.series_id = signals.series_id
        and first_point.chart = signals.chart
        and first_point.subgroup_order = signals.points_involved[1]
    where signals.chart not in ('s', 'r', 'mr')
        and recency.recency <= case signals.grain
            {%- for grain in var('spc')['grains'] %}
            when '{{ grain.grain }}' then {{ grain.attention_subgroups }}
            {%- endfor %}
        end
),

worded as (
    select
        *,
        case when value > center then 'above' else 'below' end as side,
        case rule
            when '1' then format('a {} {} the {} control limit', grain,
                case when value > ucl then 'above' else 'below' end,
                case when value > ucl then 'upper' else 'lower' end)
            when '2' then format('2 of 3 {}s far {} the average (beyond 2 sigma)', grain,
                case when value > center then 'above' else 'below' end)
            when '3' then format('4 of 5 {}s {} the average by more than 1 sigma', grain,
                case when value > center then 'above' else 'below' end)
            when '4' then format('8 {}s in a row {} the average', grain,
                case when value > center then 'above' else 'below' end)
            when '5' then format('6 {}s in a row steadily {}', grain,
                case when value > first_value then 'rising' else 'falling' end)
            when '6' then format('14 {}s in a row alternating up and down', grain)
            when '7' then format('15 {}s in a row unusually close to the average', grain)
            when '8' then format('8 {}s in a row away from the average on both sides', grain)
        end as rule_in_words,
    from recent_signals
),

latest_per_series as (
    select
        *,
        string_agg(distinct rule, ';' order by rule) over (partition by series_id)
            as rules_fired,
    from worded
    qualify row_number() over (
        partition by series_id order by subgroup_start desc, rule
    ) = 1
),

explained as (
    select
        latest_per_series.series_id,
        string_agg(
            process_changes.change_id || ': ' || process_changes.description, '; '
            order by process_changes.effective_at
        ) as explained_by,
    from latest_per_series
    inner join process_changes
        on cast(process_changes.effective_at as date)
            between latest_per_series.pattern_started_on - interval 7 day
            and latest_per_series.subgroup_start
        and (
            process_changes.scope_kind = 'all'
            or (
                process_changes.scope_kind = latest_per_series.segment_kind
                and process_changes.scope_value = latest_per_series.segment_value
            )
        )
    group by latest_per_series.series_id
),

final as (
    select
        latest_per_series.series_id,
        latest_per_series.metric,
        latest_per_series.metric_detail,
        latest_per_series.grain,
        latest_per_series.segment_kind,
        latest_per_series.segment_value,
        latest_per_series.chart_type,
        latest_per_series.chart,
        latest_per_series.subgroup_start as signalled_on,
        latest_per_series.pattern_started_on,
        latest_per_series.rule,
        latest_per_series.rules_fired,
        latest_per_series.rule_in_words,
        latest_per_series.value,
        latest_per_series.center,
        latest_per_series.lcl,
        latest_per_series.ucl,
        explained.explained_by,
        explained.explained_by is not null as is_explained_by_change,
    from latest_per_series
    left join explained using (series_id)
)

select * from final
order by signalled_on desc, metric, segment_kind, segment_value

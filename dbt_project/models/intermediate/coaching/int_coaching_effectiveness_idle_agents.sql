-- For each session × coached question × source (int_coaching_effectiveness_windows), how many
-- agents answered the question (that source) at some time but in neither its before window
-- nor its after window. The cells take them from the agents answering the question to count
-- the controls. The answers are those the cells count (coaching_effectiveness_answers).
-- How, without looking at every agent for every window (windows × agents: hundreds of
-- millions of look-ups at a year's scale): an agent has no answer in [start, end) exactly
-- when one of the gaps between its consecutive answer instants (before its first and after
-- its last included) starts before `start` and ends at or after `end`. Gaps and windows
-- meet in one inequality join, which DuckDB runs as an IEJoin: sorted, not pairwise. To keep
-- it a pure inequality join, each question × source gets a band of its own on one time axis
-- (its number × 10^16 microseconds plus the instant; instants from 1812 to 2128 stay in
-- their band), so a gap can only cover windows of its own band. A window row's idle agents
-- are those with a gap covering each of its two windows (at most one gap of an agent covers
-- a window: its gaps do not overlap, and those between answers at one instant are empty).
-- Two rules of DuckDB's planner (plan_comparison_join.cpp) shape the SQL:
--   * no IEJoin in a query with a materialized CTE: no CTE here is read twice unless it is
--     `not materialized`, and the bands are numbered twice, in two different ways that give
--     the same numbers, lest the optimizer materialize one numbering for both;
--   * a side estimated below merge_join_threshold rows (1,000; the windows are estimated
--     at a fifth of their rows) gets a piecewise merge join, which tests every gap against
--     every window (30 s instead of 2 s at 1M contacts): the hooks set the threshold to 0
--     for this model alone.
{{ config(
    pre_hook="set merge_join_threshold = 0",
    post_hook="reset merge_join_threshold",
) }}
{% set band = 10000000000000000 %}

with windows as {{ not_materialized() }} (
    select * from {{ ref('int_coaching_effectiveness_windows') }}
),

answers as (
    select * from {{ ref('fct_evaluation_answers') }}
),

counted_answers as (
    {{- coaching_effectiveness_answers('answers') }}
),

-- each counted answer to a question some session is about, on the axis
instants as (
    select
        counted_answers.agent_id,
        series.series_number,
        series.series_number * {{ band }} + {{ epoch_microseconds('counted_answers.attributed_at') }} as at_axis
    from counted_answers
    inner join (
        select
            question_id,
            source,
            row_number() over (order by question_id, source) as series_number
        from (select distinct question_id, source from windows)
    ) as series
        on counted_answers.question_id = series.question_id
        and counted_answers.source = series.source
),

-- with the agent's previous instant (the band's start before its first) and whether it is
-- the agent's last
ordered_instants as (
    select
        agent_id,
        series_number,
        at_axis,
        coalesce(
            lag(at_axis) over agent_axis, series_number * {{ band }} - {{ band // 2 }}
        ) as previous_at,
        lead(at_axis) over agent_axis is null as is_last
    from instants
    window agent_axis as (partition by series_number, agent_id order by at_axis)
),

-- the gap before each instant, and after the last one to the band's end
gaps as (
    select
        agent_id,
        {%- set before = {'gap_start': 'previous_at', 'gap_end': 'at_axis'} %}
        {{ unnest_structs(
            'case when is_last then ' ~ struct_list([before, {
                'gap_start': 'at_axis',
                'gap_end': 'series_number * ' ~ band ~ ' + ' ~ (band // 2)}])
            ~ ' else ' ~ struct_list([before]) ~ ' end'
        ) }}
    from ordered_instants
),

-- the two windows of each row on the axis
spans as (
    select
        coaching_id,
        question_id,
        source,
        series_number * {{ band }} + {{ epoch_microseconds('span_start') }} as start_axis,
        series_number * {{ band }} + {{ epoch_microseconds('span_end') }} as end_axis
    from (
        select
            *,
            dense_rank() over (order by question_id, source) as series_number
        from windows
    )
    unpivot (
        (span_start, span_end)
        for window_name in (
            (before_start, before_end) as before, (after_start, after_end) as after
        )
    )
),

idle as (
    select
        spans.coaching_id,
        spans.question_id,
        spans.source
    from spans
    inner join gaps
        on gaps.gap_start < spans.start_axis
        and gaps.gap_end >= spans.end_axis
    group by spans.coaching_id, spans.question_id, spans.source, gaps.agent_id
    having count(*) = 2
),

final as (
    select
        windows.coaching_id,
        windows.question_id,
        windows.source,
        count(idle.coaching_id) as idle_agents
    from windows
    left join idle
        on windows.coaching_id = idle.coaching_id
        and windows.question_id = idle.question_id
        and windows.source = idle.source
    group by windows.coaching_id, windows.question_id, windows.source
)

select * from final

-- The four cells of each coaching session's difference in differences, one row per session
-- × coached question × source (int_coaching_effectiveness_windows): the coached agent's and
-- the controls' answers to the question in the before and after windows, and how many of
-- them passed. The answers are those of coaching_effectiveness_answers: not N/A, dated by
-- attributed_at (the contact's start), from people's standard evaluations of the agent
-- (source `human`) or the machine's (`machine`), at the latest revision; one passes when it
-- is not failed. Controls: every other agent with answers in either window who was not
-- coached on the question between exclusion_start and exclusion_end; control_agents counts
-- them.
-- How, without looking at every agent for every window (windows × agents: 264M look-ups
-- at 10M contacts):
--   * a window's answers and passes by all agents: the running count of the question's
--     answers (that source) at the window's end less the one at its start, looked up with
--     an ASOF join (the last answer before the boundary);
--   * the controls' sums: those of all agents less the coached agent's and the excluded
--     agents' own (those coached on the question near the session: a few at 1M contacts,
--     half the agents at 10M), looked up the same way on their own running counts;
--   * the control agents: the agents answering the question (that source) at some time,
--     less those with no answer in either window (int_coaching_effectiveness_idle_agents),
--     less the coached and excluded agents with answers in one of them.
with windows as (
    select * from {{ ref('int_coaching_effectiveness_windows') }}
),

answers as (
    select * from {{ ref('fct_evaluation_answers') }}
),

idle_agents as (
    select * from {{ ref('int_coaching_effectiveness_idle_agents') }}
),

counted_answers as (
    {{- coaching_effectiveness_answers('answers') }}
),

-- every question × source some session is about, numbered
series as (
    select
        question_id,
        source,
        cast(row_number() over (order by question_id, source) as bigint) as series_id
    from (select distinct question_id, source from windows)
),

series_answers as (
    select
        series.series_id,
        counted_answers.agent_id,
        counted_answers.attributed_at,
        counted_answers.is_passed
    from counted_answers
    inner join series
        on counted_answers.question_id = series.question_id
        and counted_answers.source = series.source
),

-- each window's boundaries on its series
bounded as (
    select
        windows.coaching_id,
        windows.question_id,
        windows.source,
        windows.agent_id,
        windows.exclusion_start,
        windows.exclusion_end,
        series.series_id,
        windows.before_start,
        windows.before_end,
        windows.after_start,
        windows.after_end
    from windows
    inner join series
        on windows.question_id = series.question_id
        and windows.source = series.source
),

-- each window once per boundary (a null boundary finds nothing: counted 0)
window_boundaries as (
    select * from bounded
    unpivot include nulls (
        boundary_at for boundary in (before_start, before_end, after_start, after_end)
    )
),

-- running counts of all agents' answers to a question (that source) through each instant
-- (answers at the same instant share the count: the default RANGE frame includes peers).
-- Passes are summed, not counted with a FILTER: DuckDB computes a filtered running count
-- row by row over the whole partition, minutes on a question's answers at 1M contacts.
series_counts as (
    select
        series_id,
        attributed_at,
        count(*) over ordered as answers_through,
        sum(cast(is_passed as integer)) over ordered as passes_through
    from series_answers
    window ordered as (partition by series_id order by attributed_at)
),

all_boundary_counts as (
    select
        coaching_id,
        question_id,
        source,
        boundary,
        coalesce(answers_through, 0) as answers_through,
        coalesce(passes_through, 0) as passes_through
    from ({{ asof_before(
        'window_boundaries', 'series_counts', ['series_id'], 'boundary_at', 'attributed_at',
        ['answers_through', 'passes_through']) }})
),

-- every session on a question: who was coached on it, when
coached as (
    select distinct agent_id, question_id, held_at from windows
),

-- the agents whose own counts are needed per window: the coached agent, and every other
-- agent coached on the question between exclusion_start and exclusion_end (not a control)
named_agents as (
    select
        coaching_id,
        question_id,
        source,
        series_id,
        agent_id,
        true as is_coached_agent
    from bounded
    union all
    select distinct
        bounded.coaching_id,
        bounded.question_id,
        bounded.source,
        bounded.series_id,
        coached.agent_id,
        false as is_coached_agent
    from bounded
    inner join coached
        on coached.question_id = bounded.question_id
        and coached.agent_id <> bounded.agent_id
        and coached.held_at >= bounded.exclusion_start
        and coached.held_at < bounded.exclusion_end
),

-- their running counts, on their own answers only
named_counts as (
    select
        series_answers.series_id,
        series_answers.agent_id,
        series_answers.attributed_at,
        count(*) over ordered as answers_through,
        sum(cast(series_answers.is_passed as integer)) over ordered as passes_through
    from series_answers
    semi join named_agents
        on series_answers.series_id = named_agents.series_id
        and series_answers.agent_id = named_agents.agent_id
    window ordered as (
        partition by series_answers.series_id, series_answers.agent_id
        order by series_answers.attributed_at
    )
),

named_boundaries as (
    select
        named_agents.*,
        window_boundaries.boundary,
        window_boundaries.boundary_at
    from named_agents
    inner join window_boundaries
        on named_agents.coaching_id = window_boundaries.coaching_id
        and named_agents.question_id = window_boundaries.question_id
        and named_agents.source = window_boundaries.source
),

named_boundary_counts as (
    select
        coaching_id,
        question_id,
        source,
        agent_id,
        is_coached_agent,
        boundary,
        coalesce(answers_through, 0) as answers_through,
        coalesce(passes_through, 0) as passes_through
    from ({{ asof_before(
        'named_boundaries', 'named_counts', ['series_id', 'agent_id'], 'boundary_at',
        'attributed_at', ['answers_through', 'passes_through']) }})
),

{%- set window_sums %}
        {%- for window in ['before', 'after'] %}
        {%- for measure in ['answers', 'passes'] %}
        sum({{ measure }}_through) filter (where boundary = '{{ window }}_end')
        - sum({{ measure }}_through) filter (where boundary = '{{ window }}_start')
            as {{ window }}_{{ measure }}
        {{- ',' if not (loop.last and window == 'after') }}
        {%- endfor %}
        {%- endfor %}
{%- endset %}

-- the answers and passes in each window: the count at its end less the one at its start
all_cells as (
    select
        coaching_id,
        question_id,
        source,
        {{- window_sums }}
    from all_boundary_counts
    group by coaching_id, question_id, source
),

named_cells as (
    select
        coaching_id,
        question_id,
        source,
        agent_id,
        is_coached_agent,
        {{- window_sums }}
    from named_boundary_counts
    group by coaching_id, question_id, source, agent_id, is_coached_agent
),

-- how many agents answered each question (that source) at some time
answering_counts as (
    select series_id, count(distinct agent_id) as answering_agents
    from series_answers
    group by series_id
),

-- per window row: the coached agent's cells, the named agents' sums, and how many of
-- them answered in either window
named_totals as (
    select
        coaching_id,
        question_id,
        source,
        {%- for window in ['before', 'after'] %}
        {%- for measure in ['answers', 'passes'] %}
        sum({{ window }}_{{ measure }}) filter (where is_coached_agent)
            as agent_{{ window }}_{{ measure }},
        sum({{ window }}_{{ measure }}) as named_{{ window }}_{{ measure }},
        {%- endfor %}
        {%- endfor %}
        count(*) filter (where before_answers + after_answers > 0) as named_answering_agents
    from named_cells
    group by coaching_id, question_id, source
),

-- the controls: all agents less the named ones
cells as (
    select
        bounded.coaching_id,
        bounded.question_id,
        bounded.source,
        {%- for window in ['before', 'after'] %}
        {%- for measure in ['answers', 'passes'] %}
        named_totals.agent_{{ window }}_{{ measure }},
        {%- endfor %}
        {%- endfor %}
        coalesce(answering_counts.answering_agents, 0)
        - coalesce(idle_agents.idle_agents, 0)
        - coalesce(named_totals.named_answering_agents, 0) as control_agents,
        {%- for window in ['before', 'after'] %}
        {%- for measure in ['answers', 'passes'] %}
        coalesce(all_cells.{{ window }}_{{ measure }}, 0)
        - coalesce(named_totals.named_{{ window }}_{{ measure }}, 0)
            as control_{{ window }}_{{ measure }}
        {{- ',' if not (loop.last and window == 'after') }}
        {%- endfor %}
        {%- endfor %}
    from bounded
    left join all_cells
        on bounded.coaching_id = all_cells.coaching_id
        and bounded.question_id = all_cells.question_id
        and bounded.source = all_cells.source
    left join idle_agents
        on bounded.coaching_id = idle_agents.coaching_id
        and bounded.question_id = idle_agents.question_id
        and bounded.source = idle_agents.source
    left join answering_counts
        on bounded.series_id = answering_counts.series_id
    left join named_totals
        on bounded.coaching_id = named_totals.coaching_id
        and bounded.question_id = named_totals.question_id
        and bounded.source = named_totals.source
),

final as (
    select
        windows.*,
        {%- for column in [
            'agent_before_answers', 'agent_before_passes', 'agent_after_answers',
            'agent_after_passes', 'control_agents', 'control_before_answers',
            'control_before_passes', 'control_after_answers', 'control_after_passes',
        ] %}
        cast(coalesce(cells.{{ column }}, 0) as bigint) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from windows
    left join cells
        on windows.coaching_id = cells.coaching_id
        and windows.question_id = cells.question_id
        and windows.source = cells.source
)

select * from final

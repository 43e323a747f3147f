-- The four cells of each coaching session's difference in differences, one row per session
-- × coached question × source (int_coaching_effectiveness_windows): the coached agent's and
-- the controls' answers to the question in the before and after windows, and how many of
-- them passed. An answer counts when it is not N/A; it passes when it is not failed.
-- Answers are dated by attributed_at (the contact's start) and come from people's standard
-- evaluations of the agent (source `human`) or the machine's (`machine`), at the latest
-- revision (fct_evaluation_answers). Controls: every other agent with answers in either
-- window who was not coached on the question between exclusion_start and exclusion_end;
-- control_agents counts them.
-- How: rather than joining every answer to every window it falls in (sessions × answers in
-- a window: hundreds of millions of pairs at a year's scale), each agent's answers to a
-- question carry running counts in time order, and a window's count is the running count
-- at its end less the one at its start, looked up with an ASOF join (the last answer
-- before the boundary): four look-ups per session, source and agent, made in one ASOF join.
-- Each agent × question × source is numbered (series_id) so that the running counts sort and
-- the look-ups match on one integer rather than three text columns; only the questions and
-- sources some session is about are counted.
with windows as (
    select * from {{ ref('int_coaching_effectiveness_windows') }}
),

answers as (
    select * from {{ ref('fct_evaluation_answers') }}
),

sourced_answers as (
    select
        agent_id,
        question_id,
        attributed_at,
        case when evaluation_type = 'auto' then 'machine' else 'human' end as source,
        not is_failed as is_passed,
    from answers
    where not is_na
        and (evaluation_type = 'auto' or (evaluation_type = 'standard' and is_agent_scored))
),

-- every agent who answered a question some session is about (that source), numbered
answering_agents as (
    select
        agent_id,
        question_id,
        source,
        row_number() over () as series_id,
    from (select distinct agent_id, question_id, source from sourced_answers)
    where (question_id, source) in (select question_id, source from windows)
),

-- running counts of each agent's answers to a question, through each answer's time
-- (answers at the same instant share the count: the default RANGE frame includes peers)
running_counts as (
    select
        answering_agents.series_id,
        sourced_answers.attributed_at,
        count(*) over series as answers_through,
        count(*) filter (where sourced_answers.is_passed) over series as passes_through,
    from sourced_answers
    inner join answering_agents
        on sourced_answers.agent_id = answering_agents.agent_id
        and sourced_answers.question_id = answering_agents.question_id
        and sourced_answers.source = answering_agents.source
    window series as (
        partition by answering_agents.series_id order by sourced_answers.attributed_at
    )
),

-- every session on a question: who was coached on it, when
coached as (
    select distinct agent_id, question_id, held_at from windows
),

-- each window row with every agent who answered the question (that source) at some time
candidates as (
    select
        windows.coaching_id,
        windows.question_id,
        windows.source,
        windows.before_start,
        windows.before_end,
        windows.after_start,
        windows.after_end,
        answering_agents.series_id,
        answering_agents.agent_id = windows.agent_id as is_coached_agent,
        answering_agents.agent_id <> windows.agent_id and not exists (
            select 1 from coached
            where coached.agent_id = answering_agents.agent_id
                and coached.question_id = windows.question_id
                and coached.held_at >= windows.exclusion_start
                and coached.held_at < windows.exclusion_end
        ) as is_control,
    from windows
    inner join answering_agents
        on windows.question_id = answering_agents.question_id
        and windows.source = answering_agents.source
),

-- each candidate once per window boundary (a null boundary, an empty window, finds nothing)
candidate_boundaries as (
    select * from candidates
    unpivot include nulls (
        boundary_at for boundary in (before_start, before_end, after_start, after_end)
    )
),

-- the running counts just before each boundary (0 before the agent's first answer): one
-- ASOF join for the four boundaries, so the running counts are sorted once, not four times
boundary_counts as (
    select
        candidate_boundaries.coaching_id,
        candidate_boundaries.question_id,
        candidate_boundaries.source,
        candidate_boundaries.series_id,
        candidate_boundaries.is_coached_agent,
        candidate_boundaries.is_control,
        candidate_boundaries.boundary,
        coalesce(running_counts.answers_through, 0) as answers_through,
        coalesce(running_counts.passes_through, 0) as passes_through,
    from candidate_boundaries
    asof left join running_counts
        on candidate_boundaries.series_id = running_counts.series_id
        and candidate_boundaries.boundary_at > running_counts.attributed_at
),

-- each candidate's answers and passes in the two windows: the count at the end less the one
-- at the start
agent_cells as (
    select
        coaching_id,
        question_id,
        source,
        is_coached_agent,
        is_control,
        {%- for window in ['before', 'after'] %}
        {%- for measure in ['answers', 'passes'] %}
        sum({{ measure }}_through) filter (where boundary = '{{ window }}_end')
        - sum({{ measure }}_through) filter (where boundary = '{{ window }}_start')
            as {{ window }}_{{ measure }},
        {%- endfor %}
        {%- endfor %}
    from boundary_counts
    group by coaching_id, question_id, source, series_id, is_coached_agent, is_control
),

cells as (
    select
        coaching_id,
        question_id,
        source,
        cast(sum(before_answers) filter (where is_coached_agent) as bigint)
            as agent_before_answers,
        cast(sum(before_passes) filter (where is_coached_agent) as bigint)
            as agent_before_passes,
        cast(sum(after_answers) filter (where is_coached_agent) as bigint)
            as agent_after_answers,
        cast(sum(after_passes) filter (where is_coached_agent) as bigint)
            as agent_after_passes,
        count(*) filter (where is_control and before_answers + after_answers > 0)
            as control_agents,
        cast(sum(before_answers) filter (where is_control) as bigint)
            as control_before_answers,
        cast(sum(before_passes) filter (where is_control) as bigint)
            as control_before_passes,
        cast(sum(after_answers) filter (where is_control) as bigint)
            as control_after_answers,
        cast(sum(after_passes) filter (where is_control) as bigint)
            as control_after_passes,
    from agent_cells
    group by coaching_id, question_id, source
),

final as (
    select
        windows.*,
        coalesce(cells.agent_before_answers, 0) as agent_before_answers,
        coalesce(cells.agent_before_passes, 0) as agent_before_passes,
        coalesce(cells.agent_after_answers, 0) as agent_after_answers,
        coalesce(cells.agent_after_passes, 0) as agent_after_passes,
        coalesce(cells.control_agents, 0) as control_agents,
        coalesce(cells.control_before_answers, 0) as control_before_answers,
        coalesce(cells.control_before_passes, 0) as control_before_passes,
        coalesce(cells.control_after_answers, 0) as control_after_answers,
        coalesce(cells.control_after_passes, 0) as control_after_passes,
    from windows
    left join cells
        on windows.coaching_id = cells.coaching_id
        and windows.question_id = cells.question_id
        and windows.source = cells.source
)

select * from final

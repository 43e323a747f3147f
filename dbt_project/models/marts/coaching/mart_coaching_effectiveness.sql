-- Did coaching work? For each coaching session × coached question × source (`human`:
-- people's standard evaluations, `machine`: automated answers), the coached agent's pass
-- rate of the question before and after the session against the agents not coached on it
-- over the same windows (int_coaching_effectiveness_windows, _cells): a difference in
-- differences
--   effect = (p_agent_after − p_agent_before) − (p_control_after − p_control_before)
-- with p = passes / answers (N/A left out). Its interval is the adjusted Wald interval of
-- a linear function of k independent binomial proportions (Price & Bonett 2004, the
-- Agresti–Caffo adjustment extended to k groups): each cell gets 2/k = 0.5 successes and
-- 4/k = 1 trials, p̃ = (x + 0.5) / (n + 1), and
--   (p̃_aa − p̃_ab) − (p̃_ca − p̃_cb) ± z·√Σ p̃(1 − p̃) / (n + 1)
-- at the configured level (normal_quantile()). Unlike the plain (unpooled) Wald variance
-- Σ p(1 − p)/n it does not collapse to 0 when an agent passed every answer of a window,
-- which happens with people's few evaluations and strong agents. The interval is there
-- when every cell has an answer; has_enough_data needs var('coaching')
-- .effectiveness_min_answers in each; is_within_noise when the interval covers 0.
-- Answers within an agent share the agent and the day, so the binomial variance is the
-- floor of the truth; a day's shift common to everyone cancels in the difference of
-- differences. Feedback latency: int_coaching_latency_evidence.
{% set min_answers = var('coaching')['effectiveness_min_answers'] %}

with cells as (
    select * from {{ ref('int_coaching_effectiveness_cells') }}
),

evidence as (
    select * from {{ ref('int_coaching_latency_evidence') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

questions as (
    select
        question_id,
        max_by(question_text, form_version) as question_text
    from {{ ref('dim_questions') }}
    group by question_id
),

rates as (
    select
        *,
        agent_before_passes / nullif(agent_before_answers, 0) as agent_before_pass_rate,
        agent_after_passes / nullif(agent_after_answers, 0) as agent_after_pass_rate,
        control_before_passes / nullif(control_before_answers, 0) as control_before_pass_rate,
        control_after_passes / nullif(control_after_answers, 0) as control_after_pass_rate,
        least(
            agent_before_answers, agent_after_answers,
            control_before_answers, control_after_answers
        ) >= {{ min_answers }} as has_enough_data
    from cells
),

-- the adjusted proportions p̃ = (x + 0.5) / (n + 1) of the interval
adjusted as (
    select
        *,
        (agent_before_passes + 0.5) / cast(agent_before_answers + 1 as double) as agent_before_adjusted,
        (agent_after_passes + 0.5) / cast(agent_after_answers + 1 as double) as agent_after_adjusted,
        (control_before_passes + 0.5) / cast(control_before_answers + 1 as double)
            as control_before_adjusted,
        (control_after_passes + 0.5) / cast(control_after_answers + 1 as double) as control_after_adjusted
    from rates
),

effects as (
    select
        *,
        (agent_after_pass_rate - agent_before_pass_rate)
        - (control_after_pass_rate - control_before_pass_rate) as effect,
        case
            when least(
                agent_before_answers, agent_after_answers,
                control_before_answers, control_after_answers
            ) > 0
                then (agent_after_adjusted - agent_before_adjusted)
                - (control_after_adjusted - control_before_adjusted)
        end as adjusted_effect,
        case
            when least(
                agent_before_answers, agent_after_answers,
                control_before_answers, control_after_answers
            ) > 0
                then {{ normal_quantile() }} * sqrt(
                    agent_before_adjusted * (1 - agent_before_adjusted)
                    / cast(agent_before_answers + 1 as double)
                    + agent_after_adjusted * (1 - agent_after_adjusted)
                    / cast(agent_after_answers + 1 as double)
                    + control_before_adjusted * (1 - control_before_adjusted)
                    / cast(control_before_answers + 1 as double)
                    + control_after_adjusted * (1 - control_after_adjusted)
                    / cast(control_after_answers + 1 as double)
                )
        end as effect_half_width
    from adjusted
),

intervals as (
    select
        *,
        adjusted_effect - effect_half_width as effect_lower,
        adjusted_effect + effect_half_width as effect_upper,
        case
            when effect_half_width is not null
                then adjusted_effect - effect_half_width <= 0
                and adjusted_effect + effect_half_width >= 0
        end as is_within_noise
    from effects
),

described as (
    select
        intervals.*,
        questions.question_text,
        agents.agent_name,
        agents.team_id,
        agents.supervisor_id,
        agents.site,
        evidence.evidence_evaluation_id,
        evidence.feedback_latency_days
    from intervals
    left join questions
        on intervals.question_id = questions.question_id
    left join agents
        on intervals.agent_id = agents.agent_id
        and agents.valid_from <= cast(intervals.held_at as date)
        and (agents.valid_to is null or cast(intervals.held_at as date) < agents.valid_to)
    left join evidence
        on intervals.coaching_id = evidence.coaching_id
),

final as (
    select
        coaching_id,
        question_id,
        question_text,
        source,
        agent_id,
        agent_name,
        team_id,
        supervisor_id,
        site,
        coach_id,
        held_at,
        before_start,
        before_end,
        after_start,
        after_end,
        is_after_window_complete,
        agent_before_answers,
        agent_before_pass_rate,
        agent_after_answers,
        agent_after_pass_rate,
        control_agents,
        control_before_answers,
        control_before_pass_rate,
        control_after_answers,
        control_after_pass_rate,
        effect,
        effect_lower,
        effect_upper,
        is_within_noise,
        has_enough_data,
        evidence_evaluation_id,
        feedback_latency_days,
        coalesce(agent_name || ' (' || agent_id || ')', agent_id)
        || ', coached by ' || coach_id || ' on ' || {{ format_date('held_at', '%-d %b') }}
        || ' on "' || coalesce(question_text, question_id) || '" (' || source || ' answers): '
        || case
            when effect is null
                then 'no ' || case
                    when agent_after_answers = 0 and not is_after_window_complete
                        then 'answers after the session yet'
                    else 'answers in one of the windows'
                end
            else 'pass rate ' || {{ format_number('100 * agent_before_pass_rate', '.0f') }} || ' % → '
                || {{ format_number('100 * agent_after_pass_rate', '.0f') }} || ' %, against '
                || {{ format_number('100 * control_before_pass_rate', '.0f') }} || ' % → '
                || {{ format_number('100 * control_after_pass_rate', '.0f') }} || ' % for '
                || control_agents || ' agents not coached on it: effect '
                || {{ format_number('100 * effect', '+.0f') }} || ' points ('
                || {{ format_number('100 * ' ~ scorecard_confidence(), '.0f') }} || ' % interval '
                || {{ format_number('100 * effect_lower', '+.0f') }} || ' to '
                || {{ format_number('100 * effect_upper', '+.0f') }} || '), '
                || case
                    when not has_enough_data
                        then 'not enough data to say (fewer than {{ min_answers }} answers'
                        || ' in a window)'
                    when is_within_noise then 'within noise'
                    when effect_lower > 0 then 'an improvement beyond noise'
                    else 'a decline beyond noise'
                end
        end
        || case
            when not is_after_window_complete
                then '; after window still open (until '
                || {{ format_date(
                    dbt.dateadd('day', var('coaching')['window_days'], 'after_start'), '%-d %b'
                ) }}
                || ')'
            else ''
        end
        || '.' as sentence
    from described
)

select * from final

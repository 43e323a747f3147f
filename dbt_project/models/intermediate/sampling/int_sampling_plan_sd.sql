-- The spread of an agent's QA scores that next week's plan assumes, per agent × ISO week W
-- (the weeks the agent handled contacts): the plan is made at the end of week W, from what
-- was known then.
--   Evaluations: the agent's human standard evaluations (their counted score, 0-100) of
--   contacts in the trailing window of `plan_window_weeks` weeks ending with W,
--   first submitted before W ended (so a plan, once made, does not move when later
--   evaluations land; an upheld dispute still changes the score of one it read).
--   Agent: n_a evaluations, sample sd s_a (ν_a = n_a − 1 degrees of freedom).
--   Pooled: the within-agent pooled variance of the agent's team (the team of the agent's
--   last contact in W) over the same window, s_p² = Σ (n_i − 1)·s_i² / Σ (n_i − 1) over the
--   team's agents (the spread of an evaluation around its own agent's mean; differences
--   between agents do not enter); the whole centre's when the team has none.
--   Used: with k = plan_pooling_evaluations, s_a when n_a ≥ k (source `agent`); below k the
--   team's variance tops the agent's degrees of freedom up to k − 1 (source `pooled`):
--     s² = (ν_a·s_a² + (k − 1 − ν_a)·s_p²) / (k − 1)
--   so an agent without evaluations gets the team's sd and the weight moves to the agent's
--   own as evaluations come (the two agree at n_a = k).
{% set window_weeks = var('scorecards')['plan_window_weeks'] %}
{% set pooling_evaluations = var('scorecards')['plan_pooling_evaluations'] %}

with interactions as (
    select * from {{ ref('fct_interactions') }}
),

evaluations as (
    select * from {{ ref('fct_evaluations') }}
    where is_agent_scored and score is not null
),

revisions as (
    select * from {{ ref('int_evaluations_combined') }}
),

first_submissions as (
    select
        evaluation_id,
        min(submitted_at) as first_submitted_at
    from revisions
    group by evaluation_id
),

agent_weeks as (
    select
        agent_id,
        week_start,
        max_by(team_id, started_at) as team_id
    from interactions
    where not is_abandoned and agent_id is not null
    group by agent_id, week_start
),

plan_weeks as (
    select distinct week_start from agent_weeks
),

-- every evaluation in each plan week's window, known by the end of that week
windowed as (
    select
        plan_weeks.week_start as plan_week_start,
        evaluations.agent_id,
        evaluations.team_id,
        evaluations.score
    from plan_weeks
    inner join evaluations
        on evaluations.week_start <= plan_weeks.week_start
        and evaluations.week_start
        > {{ dbt.dateadd('day', -7 * window_weeks, 'plan_weeks.week_start') }}
    inner join first_submissions
        on evaluations.evaluation_id = first_submissions.evaluation_id
    where first_submissions.first_submitted_at
        < {{ dbt.dateadd('day', 7, 'plan_weeks.week_start') }}
),

agent_spread as (
    select
        plan_week_start,
        agent_id,
        count(*) as evaluations_count,
        var_samp(score) as score_variance
    from windowed
    group by plan_week_start, agent_id
),

-- (team, agent) groups: an agent who moved team counts in each team for its own evaluations
team_agent_spread as (
    select
        plan_week_start,
        team_id,
        agent_id,
        count(*) as evaluations_count,
        coalesce(var_samp(score), 0) as score_variance
    from windowed
    group by plan_week_start, team_id, agent_id
),

team_pooled as (
    select
        plan_week_start,
        team_id,
        sum(evaluations_count - 1) as degrees_of_freedom,
        sum((evaluations_count - 1) * score_variance)
        / nullif(sum(evaluations_count - 1), 0) as pooled_variance
    from team_agent_spread
    group by plan_week_start, team_id
),

centre_pooled as (
    select
        plan_week_start,
        sum(evaluations_count - 1) as degrees_of_freedom,
        sum((evaluations_count - 1) * score_variance)
        / nullif(sum(evaluations_count - 1), 0) as pooled_variance
    from team_agent_spread
    group by plan_week_start
),

combined as (
    select
        agent_weeks.agent_id,
        agent_weeks.week_start,
        agent_weeks.team_id,
        coalesce(agent_spread.evaluations_count, 0) as evaluations_count,
        agent_spread.score_variance as agent_variance,
        greatest(coalesce(agent_spread.evaluations_count, 0) - 1, 0) as agent_degrees_of_freedom,
        case
            when team_pooled.pooled_variance is not null then team_pooled.pooled_variance
            else centre_pooled.pooled_variance
        end as pooled_variance
    from agent_weeks
    left join agent_spread
        on agent_weeks.agent_id = agent_spread.agent_id
        and agent_weeks.week_start = agent_spread.plan_week_start
    left join team_pooled
        on agent_weeks.team_id = team_pooled.team_id
        and agent_weeks.week_start = team_pooled.plan_week_start
    left join centre_pooled
        on agent_weeks.week_start = centre_pooled.plan_week_start
),

chosen as (
    select
        *,
        case
            when evaluations_count >= {{ pooling_evaluations }} and agent_variance is not null
                then 'agent'
            when pooled_variance is not null then 'pooled'
            -- nothing to pool with: the agent's own, however few
            when agent_variance is not null then 'agent'
        end as sd_source
    from combined
),

final as (
    select
        agent_id,
        week_start,
        team_id,
        evaluations_count,
        sqrt(agent_variance) as agent_sd,
        sqrt(pooled_variance) as pooled_sd,
        case sd_source
            when 'agent' then sqrt(agent_variance)
            {% if pooling_evaluations > 1 -%}
            when 'pooled' then sqrt(
                (
                    agent_degrees_of_freedom * coalesce(agent_variance, 0)
                    + ({{ pooling_evaluations }} - 1 - agent_degrees_of_freedom)
                    * pooled_variance
                ) / ({{ pooling_evaluations }} - 1)
            )
            {%- else -%}
            when 'pooled' then sqrt(pooled_variance)
            {%- endif %}
        end as plan_sd,
        sd_source
    from chosen
)

select * from final

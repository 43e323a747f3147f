-- Agent scorecards: per agent, period grain (ISO week | month), period and source (human |
-- machine evaluations, never mixed), how many evaluations are behind the figures and how sure
-- they are. Every interval is two-sided at var('scorecards').confidence (column
-- confidence_level). With x the n evaluation scores of the agent in the period:
--   mean_score ± t(n − 1)·sd/√n             t-interval, clipped to 0-100; null with n < 2
--   critical-fail rate k/n, Wilson bounds    (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
--   rank_in_team                             rank() by mean_score, highest first, among the
--                                            agents of the same team, period and source
--   team_median_score                        median of those agents' means (the agent's own
--                                            included)
--   distinguishable from the team median     the t-interval excludes the team median. False
--                                            when there is no interval (n < 2) or it has no
--                                            width (sd = 0: identical scores prove no
--                                            certainty); team_median_comparison then says
--                                            'too few evaluations to tell'
--   change against the previous period       mean − previous mean ± t(ν)·√(v/n + v'/n'),
--                                            Welch, ν the Welch–Satterthwaite degrees of
--                                            freedom rounded down; null when either period has
--                                            under 2 evaluations. The critical-fail rate's
--                                            change has Newcombe's hybrid score interval.
-- The agent's team, name and site are those in force on the period's last day (the latest
-- roster row that began by then): an agent who moved mid-period is ranked in the new team,
-- with is_team_changed_in_period set; all of the agent's evaluations of the period count.
-- The previous period is the calendar one before (last week, last month); an agent without
-- evaluations of that source then has no previous figures.
with evaluations as (
    select * from {{ ref('int_scorecard_evaluations') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

agent_periods as (
    select
        agent_id,
        period_grain,
        period_start,
        period_end,
        is_period_complete,
        previous_period_start,
        source,
        count(*) as evaluations_count,
        avg(score) as mean_score,
        {{ sample_spread('stddev_samp', 'score') }} as score_sd,
        {{ sample_spread('var_samp', 'score') }} as score_variance,
        count(*) filter (where is_critical_fail) as critical_fail_count,
        {{ hajek_sums('queue_sampling_weight', 'score') }}
    from evaluations
    group by all
),

periods as (
    select distinct
        agent_id,
        period_grain,
        period_start,
        period_end
    from agent_periods
),

-- the roster row in force on the period's last day
period_teams as (
    select
        periods.agent_id,
        periods.period_grain,
        periods.period_start,
        agents.agent_name,
        agents.team_id,
        agents.team_name,
        agents.site
    from periods
    left join agents
        on periods.agent_id = agents.agent_id
        and agents.valid_from <= periods.period_end
    qualify row_number() over (
        partition by periods.agent_id, periods.period_grain, periods.period_start
        order by agents.valid_from desc
    ) = 1
),

-- more than one team in the roster rows that overlap the period
team_changes as (
    select
        periods.agent_id,
        periods.period_grain,
        periods.period_start,
        count(distinct agents.team_id) > 1 as is_team_changed_in_period
    from periods
    inner join agents
        on periods.agent_id = agents.agent_id
        and agents.valid_from <= periods.period_end
        and (agents.valid_to is null or agents.valid_to > periods.period_start)
    group by all
),

with_intervals as (
    select
        agent_periods.*,
        period_teams.agent_name,
        period_teams.team_id,
        period_teams.team_name,
        period_teams.site,
        coalesce(team_changes.is_team_changed_in_period, false) as is_team_changed_in_period,
        {{ t_interval_half_width(
            'agent_periods.score_sd', 'agent_periods.evaluations_count'
        ) }}
            as mean_score_half_width,
        {{ hajek_columns() }}
        agent_periods.critical_fail_count / agent_periods.evaluations_count
            as critical_fail_rate,
        {{ wilson_bound(
            'agent_periods.critical_fail_count', 'agent_periods.evaluations_count',
            normal_quantile(), -1
        ) }}
            as critical_fail_rate_lower,
        {{ wilson_bound(
            'agent_periods.critical_fail_count', 'agent_periods.evaluations_count',
            normal_quantile(), 1
        ) }}
            as critical_fail_rate_upper
    from agent_periods
    inner join period_teams
        on agent_periods.agent_id = period_teams.agent_id
        and agent_periods.period_grain = period_teams.period_grain
        and agent_periods.period_start = period_teams.period_start
    left join team_changes
        on agent_periods.agent_id = team_changes.agent_id
        and agent_periods.period_grain = team_changes.period_grain
        and agent_periods.period_start = team_changes.period_start
),

-- the t-interval, clipped to the 0-100 range of a score (the mean cannot leave it, so the
-- clipped interval covers it as often)
ranked as (
    select
        *,
        case
            when mean_score_half_width is not null
                then greatest(mean_score - mean_score_half_width, 0)
        end as mean_score_lower,
        case
            when mean_score_half_width is not null
                then least(mean_score + mean_score_half_width, 100)
        end as mean_score_upper,
        count(*) over team_period as team_agents_count,
        -- equal means share a rank, also when summed in another order (85.83…33 and 85.83…31)
        rank() over (
            partition by team_id, period_grain, period_start, source
            order by round(mean_score, 9) desc
        ) as rank_in_team,
        median(mean_score) over team_period as team_median_score
    from with_intervals
    window team_period as (partition by team_id, period_grain, period_start, source)
),

compared as (
    select
        *,
        coalesce(
            score_sd > 0
            and (mean_score_lower > team_median_score or mean_score_upper < team_median_score),
            false
        ) as is_distinguishable_from_team_median
    from ranked
),

{{ scorecard_change_ctes('compared', 'with_intervals', 'agent_id') }},

final as (
    select
        agent_id,
        agent_name,
        period_grain,
        period_start,
        period_end,
        is_period_complete,
        source,
        team_id,
        team_name,
        site,
        is_team_changed_in_period,
        {{ scorecard_confidence() }} as confidence_level,
        evaluations_count,
        mean_score,
        score_sd,
        mean_score_lower,
        mean_score_upper,
        queue_evaluations_count,
        queue_weighted_mean_score,
        queue_weighted_mean_score_lower,
        queue_weighted_mean_score_upper,
        critical_fail_count,
        critical_fail_rate,
        critical_fail_rate_lower,
        critical_fail_rate_upper,
        team_agents_count,
        rank_in_team,
        team_median_score,
        is_distinguishable_from_team_median,
        case
            when is_distinguishable_from_team_median and mean_score > team_median_score
                then 'above the team median'
            when is_distinguishable_from_team_median then 'below the team median'
            when mean_score_lower is null or score_sd = 0 then 'too few evaluations to tell'
            else 'not distinguishable from the team median'
        end as team_median_comparison,
        previous_period_start,
        previous_evaluations_count,
        previous_mean_score,
        mean_score_change,
        mean_score_change_std_error,
        mean_score_change_degrees_of_freedom,
        mean_score_change_lower,
        mean_score_change_upper,
        is_mean_score_change_distinguishable,
        previous_critical_fail_count,
        previous_critical_fail_rate,
        critical_fail_rate_change,
        critical_fail_rate_change_lower,
        critical_fail_rate_change_upper
    from change_intervals
)

select * from final

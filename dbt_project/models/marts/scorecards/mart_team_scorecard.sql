-- Team scorecards: per team, period grain (ISO week | month), period and source (human |
-- machine evaluations, never mixed), the same figures as mart_agent_scorecard one level up.
-- An evaluation counts for the team the agent was on that day (fct_evaluations.team_id), so
-- an agent who moved mid-period counts for both teams, each for its own contacts. Every
-- interval is two-sided at var('scorecards').confidence. With x the n evaluation scores of
-- the team in the period:
--   mean_score ± t(n − 1)·sd/√n             t-interval over evaluations, clipped to 0-100;
--                                            null with n < 2
--   critical-fail rate k/n, Wilson bounds    (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
--   rank_in_centre                           rank() by mean_score, highest first, among all
--                                            teams of the same period and source (a site
--                                            often has one team, so a rank within the site
--                                            would say nothing)
--   centre_median_score                      median of those teams' means (this one included)
--   distinguishable from the centre median   the t-interval excludes the centre median; false
--                                            without an interval or with one of no width
--   change against the previous period       Welch interval (ν rounded down) and Newcombe's
--                                            hybrid score interval, as in mart_agent_scorecard
-- The t-interval treats a team's evaluations as independent; evaluations of one agent are
-- alike, so it is somewhat narrower than the team's true uncertainty.
with evaluations as (
    select * from {{ ref('int_scorecard_evaluations') }}
    where team_id is not null
),

team_periods as (
    select
        team_id,
        period_grain,
        period_start,
        period_end,
        is_period_complete,
        previous_period_start,
        source,
        max_by(team_name, attributed_at) as team_name,
        max_by(site, attributed_at) as site,
        count(distinct agent_id) as agents_count,
        count(*) as evaluations_count,
        avg(score) as mean_score,
        {{ sample_spread('stddev_samp', 'score') }} as score_sd,
        {{ sample_spread('var_samp', 'score') }} as score_variance,
        count(*) filter (where is_critical_fail) as critical_fail_count,
        {{ hajek_sums('queue_sampling_weight', 'score') }}
    from evaluations
    group by
        team_id, period_grain, period_start, period_end, is_period_complete,
        previous_period_start, source
),

with_intervals as (
    select
        *,
        {{ t_interval_half_width('score_sd', 'evaluations_count') }}
            as mean_score_half_width,
        {{ hajek_columns() }}
        critical_fail_count / evaluations_count as critical_fail_rate,
        {{ wilson_bound('critical_fail_count', 'evaluations_count', normal_quantile(), -1) }}
            as critical_fail_rate_lower,
        {{ wilson_bound('critical_fail_count', 'evaluations_count', normal_quantile(), 1) }}
            as critical_fail_rate_upper
    from team_periods
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
        count(*) over centre_period as centre_teams_count,
        -- equal means share a rank, also when summed in another order (85.83…33 and 85.83…31)
        rank() over (
            partition by period_grain, period_start, source order by round(mean_score, 9) desc
        ) as rank_in_centre,
        median(mean_score) over centre_period as centre_median_score
    from with_intervals
    window centre_period as (partition by period_grain, period_start, source)
),

compared as (
    select
        *,
        coalesce(
            score_sd > 0
            and (
                mean_score_lower > centre_median_score or mean_score_upper < centre_median_score
            ),
            false
        ) as is_distinguishable_from_centre_median
    from ranked
),

{{ scorecard_change_ctes('compared', 'with_intervals', 'team_id') }},

final as (
    select
        team_id,
        team_name,
        site,
        period_grain,
        period_start,
        period_end,
        is_period_complete,
        source,
        {{ scorecard_confidence() }} as confidence_level,
        agents_count,
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
        centre_teams_count,
        rank_in_centre,
        centre_median_score,
        is_distinguishable_from_centre_median,
        case
            when is_distinguishable_from_centre_median and mean_score > centre_median_score
                then 'above the centre median'
            when is_distinguishable_from_centre_median then 'below the centre median'
            when mean_score_lower is null or score_sd = 0 then 'too few evaluations to tell'
            else 'not distinguishable from the centre median'
        end as centre_median_comparison,
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

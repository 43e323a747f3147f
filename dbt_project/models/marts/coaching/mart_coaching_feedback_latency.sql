-- How quickly do supervisors coach on a gap? Per coach × calendar month of the sessions
-- (held_at): the sessions, those whose log lists evidence (int_coaching_latency_evidence:
-- the days from the submission of the evaluation that showed the gap to the session), the
-- mean feedback latency with its t-interval (t(n − 1)·sd/√n, t_interval_half_width), the
-- median, and the change of the mean against the coach's previous calendar month with
-- Welch's interval (welch_half_width: t at the Welch–Satterthwaite degrees of freedom,
-- rounded down). latency_trend: `shorter` when that interval lies below 0, `longer` above,
-- `within noise` when it covers 0, `not enough data` without an interval (no sessions with
-- evidence the month before, or fewer than two in either month).
with evidence as (
    select * from {{ ref('int_coaching_latency_evidence') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

-- each session with the coached agent's team and site on the session day
sessions as (
    select
        evidence.*,
        agents.team_id,
        agents.site
    from evidence
    left join agents
        on evidence.agent_id = agents.agent_id
        and agents.valid_from <= cast(evidence.held_at as date)
        and (agents.valid_to is null or cast(evidence.held_at as date) < agents.valid_to)
),

monthly as (
    select
        coach_id,
        cast({{ dbt.date_trunc('month', 'held_at') }} as date) as month_start,
        -- the most frequent (ties: the first in order), for filtering by team and site
        {{ mode_lowest('team_id') }} as team_id,
        {{ mode_lowest('site') }} as site,
        count(*) as sessions,
        count(feedback_latency_days) as sessions_with_evidence,
        avg(feedback_latency_days) as mean_latency_days,
        {{ sample_spread('stddev_samp', 'feedback_latency_days') }} as latency_sd_days,
        {{ sample_spread('var_samp', 'feedback_latency_days') }} as latency_variance,
        percentile_cont(0.5) within group (order by feedback_latency_days)
            as median_latency_days
    from sessions
    where coach_id is not null
    group by coach_id, cast({{ dbt.date_trunc('month', 'held_at') }} as date)
),

with_previous as (
    select
        monthly.*,
        cast({{ dbt.dateadd('month', -1, 'monthly.month_start') }} as date)
            as previous_month_start,
        previous.sessions_with_evidence as previous_sessions_with_evidence,
        previous.mean_latency_days as previous_mean_latency_days,
        previous.latency_variance as previous_latency_variance
    from monthly
    left join monthly as previous
        on monthly.coach_id = previous.coach_id
        and previous.month_start
        = cast({{ dbt.dateadd('month', -1, 'monthly.month_start') }} as date)
),

intervals as (
    select
        *,
        {{ t_interval_half_width('latency_sd_days', 'sessions_with_evidence') }}
            as mean_half_width,
        mean_latency_days - previous_mean_latency_days as latency_change_days,
        {{ welch_half_width(
            'latency_variance', 'sessions_with_evidence',
            'previous_latency_variance', 'previous_sessions_with_evidence'
        ) }}
            as change_half_width
    from with_previous
),

final as (
    select
        coach_id,
        month_start,
        team_id,
        site,
        sessions,
        sessions_with_evidence,
        mean_latency_days,
        greatest(mean_latency_days - mean_half_width, 0) as mean_latency_days_lower,
        mean_latency_days + mean_half_width as mean_latency_days_upper,
        median_latency_days,
        latency_sd_days,
        previous_month_start,
        coalesce(previous_sessions_with_evidence, 0) as previous_sessions_with_evidence,
        previous_mean_latency_days,
        latency_change_days,
        latency_change_days - change_half_width as latency_change_lower,
        latency_change_days + change_half_width as latency_change_upper,
        case
            when change_half_width is null then 'not enough data'
            when latency_change_days + change_half_width < 0 then 'shorter'
            when latency_change_days - change_half_width > 0 then 'longer'
            else 'within noise'
        end as latency_trend
    from intervals
)

select * from final

-- Which contact reasons could self-service take? One row per contact reason, over the answered
-- contacts of the last var('customer').deflection_window_weeks complete ISO weeks (a week is
-- complete when all its days lie between the first and the last day of contacts; fewer weeks
-- when the data is shorter). A reason is a self-service candidate when it is
--   high volume       share of the window's contacts >= 1 / number of reasons
--   short             the upper bound of its mean handle time's t-interval
--                       mean ± t(n − 1)·sd/√n  (normal quantile beyond 1000 df)
--                     lies below the centre's mean handle time
--   high resolution   the lower Wilson bound of its first-contact resolution rate lies above
--                     the centre's rate; first-contact resolved = the agent resolved it
--                     (is_resolved) and the same customer did not contact the centre again
--                     (int_interaction_repeats: any channel, abandoned contacts included)
--                     within var('conversation').repeat_contact_days days of its start, counted over
--                     the contacts whose follow-up days all lie in the data (the last days'
--                     contacts cannot show a repeat yet) and that have a customer_id
--   low friction      the upper Wilson bound of its high-friction rate (is_high_friction,
--                     contacts with a transcript) lies below the centre's rate
-- Wilson bounds: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). The centre is every
-- answered contact of the window (the reason itself included). The saving:
--   agent_hours_per_week = contacts_per_week × mean handle seconds / 3600 × containment
-- with containment var('customer').self_service_containment, the share of the reason's
-- contacts self-service would take (1.0: all of them; the hours scale with it). Rank:
-- candidates first, each group by agent hours per week, most first. Every interval is
-- two-sided at var('scorecards').confidence.
{%- set customer = var('customer') %}
{%- set deflection_weeks = customer['deflection_window_weeks'] %}
{%- set repeat_days = var('conversation')['repeat_contact_days'] %}
with interactions as (
    select * from {{ ref('fct_interactions') }}
),

repeats as (
    select * from {{ ref('int_interaction_repeats') }}
),

data_range as (
    select
        min(interaction_date) as first_day,
        max(interaction_date) as last_day,
        max(started_at) as last_started_at
    from interactions
),

-- the last complete week ends on the Sunday on or before the last day; the first complete
-- week starts on the Monday on or after the first day
complete_weeks as (
    select
        cast({{ dbt.date_trunc('week', 'first_day + 6') }} as date) as first_week_start,
        cast({{ dbt.date_trunc('week', 'last_day + 1') }} as date) - 7 as last_week_start,
        last_started_at
    from data_range
),

analysis_window as (
    select
        greatest(
            last_week_start - {{ 7 * (deflection_weeks - 1) }}, first_week_start
        ) as window_start,
        last_week_start + 6 as window_end,
        last_started_at
    from complete_weeks
),

window_weeks as (
    select
        *,
        cast(({{ dbt.datediff('window_start', 'window_end', 'day') }} + 1) / 7 as integer)
            as weeks_count
    from analysis_window
    where window_end >= window_start
),

window_contacts as (
    select
        interactions.interaction_id,
        interactions.contact_reason,
        interactions.handle_seconds,
        interactions.friction_score,
        interactions.is_high_friction,
        interactions.is_resolved is not null
            and interactions.customer_id is not null
            and {{ dbt.dateadd('day', repeat_days, 'interactions.started_at') }}
            <= window_weeks.last_started_at as is_follow_up_observed,
        interactions.is_resolved
            and not coalesce(repeats.has_repeat_within_7_days, false)
            as is_first_contact_resolved
    from interactions
    inner join window_weeks
        on interactions.interaction_date between window_weeks.window_start
        and window_weeks.window_end
    left join repeats on interactions.interaction_id = repeats.interaction_id
    where not interactions.is_abandoned
),

reason_figures as (
    select
        coalesce(contact_reason, 'Unknown') as contact_reason,
        count(*) as contacts,
        count(handle_seconds) as handled_contacts,
        avg(handle_seconds) as mean_handle_seconds,
        {{ sample_spread('stddev_samp', 'handle_seconds') }} as handle_seconds_sd,
        count(*) filter (where is_follow_up_observed) as resolution_contacts,
        count(*) filter (
            where is_follow_up_observed and is_first_contact_resolved
        ) as first_contact_resolved_count,
        count(is_high_friction) as transcript_contacts,
        count(*) filter (where is_high_friction) as high_friction_count,
        avg(friction_score) as mean_friction_score
    from window_contacts
    group by coalesce(contact_reason, 'Unknown')
),

centre_figures as (
    select
        count(*) as centre_contacts,
        avg(handle_seconds) as centre_mean_handle_seconds,
        count(*) filter (
            where is_follow_up_observed and is_first_contact_resolved
        ) / count(*) filter (
            where is_follow_up_observed
        ) as centre_first_contact_resolution_rate,
        count(*) filter (where is_high_friction) / count(is_high_friction)
            as centre_high_friction_rate,
        avg(friction_score) as centre_mean_friction_score
    from window_contacts
),

with_intervals as (
    select
        reason_figures.*,
        window_weeks.window_start,
        window_weeks.window_end,
        window_weeks.weeks_count,
        centre_figures.*,
        count(*) over () as reasons_count,
        reason_figures.contacts / window_weeks.weeks_count as contacts_per_week,
        reason_figures.contacts / centre_figures.centre_contacts as share_of_contacts,
        reason_figures.mean_handle_seconds - {{ t_interval_half_width(
            'reason_figures.handle_seconds_sd', 'reason_figures.handled_contacts'
        ) }} as handle_seconds_lower,
        reason_figures.mean_handle_seconds + {{ t_interval_half_width(
            'reason_figures.handle_seconds_sd', 'reason_figures.handled_contacts'
        ) }} as handle_seconds_upper,
        case
            when reason_figures.resolution_contacts > 0
                then reason_figures.first_contact_resolved_count
                / reason_figures.resolution_contacts
        end as first_contact_resolution_rate,
        {{ wilson_bound(
            'reason_figures.first_contact_resolved_count', 'reason_figures.resolution_contacts',
            normal_quantile(), -1
        ) }} as first_contact_resolution_rate_lower,
        {{ wilson_bound(
            'reason_figures.first_contact_resolved_count', 'reason_figures.resolution_contacts',
            normal_quantile(), 1
        ) }} as first_contact_resolution_rate_upper,
        case
            when reason_figures.transcript_contacts > 0
                then reason_figures.high_friction_count / reason_figures.transcript_contacts
        end as high_friction_rate,
        {{ wilson_bound(
            'reason_figures.high_friction_count', 'reason_figures.transcript_contacts',
            normal_quantile(), -1
        ) }} as high_friction_rate_lower,
        {{ wilson_bound(
            'reason_figures.high_friction_count', 'reason_figures.transcript_contacts',
            normal_quantile(), 1
        ) }} as high_friction_rate_upper
    from reason_figures
    cross join window_weeks
    cross join centre_figures
),

-- a criterion without an interval (too few contacts) is not met
criteria as (
    select
        *,
        share_of_contacts >= 1 / cast(reasons_count as double) as is_high_volume,
        coalesce(handle_seconds_upper < centre_mean_handle_seconds, false) as is_short,
        coalesce(
            first_contact_resolution_rate_lower > centre_first_contact_resolution_rate, false
        ) as is_high_resolution,
        coalesce(high_friction_rate_upper < centre_high_friction_rate, false)
            as is_low_friction,
        contacts_per_week * mean_handle_seconds / 3600.0
        * cast({{ customer['self_service_containment'] }} as double) as agent_hours_per_week
    from with_intervals
),

ranked as (
    select
        *,
        is_high_volume and is_short and is_high_resolution and is_low_friction
            as is_candidate,
        row_number() over (
            order by
                is_high_volume and is_short and is_high_resolution and is_low_friction desc,
                agent_hours_per_week desc nulls last,
                contact_reason
        ) as deflection_rank
    from criteria
),

sentences as (
    select
        *,
        replace(contact_reason, '_', ' ') || ': '
        || {{ format_number('contacts_per_week', '.0f') }} || ' contacts a week ('
        || {{ format_number('100 * share_of_contacts', '.1f') }} || ' % of contacts), handle time '
        || {{ format_metric_value('mean_handle_seconds', "'seconds'") }} || ' against '
        || {{ format_metric_value('centre_mean_handle_seconds', "'seconds'") }}
        || ' for the centre, '
        || coalesce({{ format_number('100 * first_contact_resolution_rate', '.1f') }} || ' %', 'none')
        || ' resolved at first contact against '
        || {{ format_number('100 * centre_first_contact_resolution_rate', '.1f') }} || ' %, '
        || coalesce({{ format_number('100 * high_friction_rate', '.1f') }} || ' %', 'none')
        || ' high-friction against '
        || {{ format_number('100 * centre_high_friction_rate', '.1f') }} || ' %'
        || case
            when is_candidate then ' — a self-service candidate: about '
                || {{ format_number('agent_hours_per_week', '.1f') }}
                || ' agent hours a week to save.'
            else ' — not a candidate: ' || concat_ws(
                ', ',
                case when not is_high_volume then 'volume not high' end,
                case when not is_short then 'handle time not clearly short' end,
                case when not is_high_resolution then 'first-contact resolution not clearly high' end,
                case when not is_low_friction then 'friction not clearly low' end
            ) || '.'
        end as sentence
    from ranked
),

final as (
    select
        contact_reason,
        deflection_rank,
        is_candidate,
        window_start,
        window_end,
        weeks_count,
        {{ scorecard_confidence() }} as confidence_level,
        contacts,
        contacts_per_week,
        share_of_contacts,
        reasons_count,
        handled_contacts,
        mean_handle_seconds,
        handle_seconds_lower,
        handle_seconds_upper,
        centre_mean_handle_seconds,
        resolution_contacts,
        first_contact_resolved_count,
        first_contact_resolution_rate,
        first_contact_resolution_rate_lower,
        first_contact_resolution_rate_upper,
        centre_first_contact_resolution_rate,
        transcript_contacts,
        high_friction_count,
        high_friction_rate,
        high_friction_rate_lower,
        high_friction_rate_upper,
        centre_high_friction_rate,
        mean_friction_score,
        centre_mean_friction_score,
        is_high_volume,
        is_short,
        is_high_resolution,
        is_low_friction,
        cast({{ customer['self_service_containment'] }} as double) as self_service_containment,
        agent_hours_per_week,
        sentence
    from sentences
)

select * from final

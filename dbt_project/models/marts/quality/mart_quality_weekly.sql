-- Weekly quality against target for the whole centre and for every site / team / channel
-- combination ('All' where a dimension is rolled up). The dashboards select rows from here.
with interactions as (
    select
        week_start,
        {{ segment_dimensions() }},
        is_abandoned,
        handle_seconds,
        csat,
        is_csat_satisfied,
        interaction_date,
    from {{ ref('fct_interactions') }}
),

evaluations as (
    select
        week_start,
        {{ segment_dimensions() }},
        score,
        is_critical_fail,
    from {{ ref('fct_evaluations') }}
    where is_agent_scored
),

targets as (
    select * from {{ ref('stg_quality_targets') }}
),

data_range as (
    select min(interaction_date) as first_date, max(interaction_date) as last_date
    from interactions
),

interaction_cells as (
    select
        week_start,
        {{ segment_cube_columns() }},
        count(*) as interactions_count,
        count(*) filter (where is_abandoned) as abandoned_count,
        count(handle_seconds) as handled_count,
        avg(handle_seconds) as handle_seconds_avg,
        count(csat) as csat_responses,
        avg(csat) as csat_avg,
        count(*) filter (where is_csat_satisfied) as csat_satisfied_count,
    from interactions
    {{ segment_cube_group_by(['week_start']) }}
),

evaluation_cells as (
    select
        week_start,
        {{ segment_cube_columns() }},
        count(*) as evaluations_count,
        avg(score) as qa_score_avg,
        count(*) filter (where is_critical_fail) as critical_fail_count,
    from evaluations
    {{ segment_cube_group_by(['week_start']) }}
),

cells as (
    select
        coalesce(interaction_cells.week_start, evaluation_cells.week_start) as week_start,
        coalesce(interaction_cells.site, evaluation_cells.site) as site,
        coalesce(interaction_cells.team_id, evaluation_cells.team_id) as team_id,
        coalesce(interaction_cells.team_name, evaluation_cells.team_name) as team_name,
        coalesce(interaction_cells.channel, evaluation_cells.channel) as channel,
        coalesce(interaction_cells.interactions_count, 0) as interactions_count,
        coalesce(interaction_cells.abandoned_count, 0) as abandoned_count,
        coalesce(interaction_cells.handled_count, 0) as handled_count,
        interaction_cells.handle_seconds_avg,
        coalesce(interaction_cells.csat_responses, 0) as csat_responses,
        interaction_cells.csat_avg,
        interaction_cells.csat_satisfied_count,
        coalesce(evaluation_cells.evaluations_count, 0) as evaluations_count,
        evaluation_cells.qa_score_avg,
        coalesce(evaluation_cells.critical_fail_count, 0) as critical_fail_count,
    from interaction_cells
    full outer join evaluation_cells
        on interaction_cells.week_start = evaluation_cells.week_start
        and interaction_cells.site = evaluation_cells.site
        and interaction_cells.team_id = evaluation_cells.team_id
        and interaction_cells.channel = evaluation_cells.channel
),

targets_in_force as (
    select
        cells.week_start,
        cells.site,
        cells.team_id,
        cells.channel,
        targets.metric,
        targets.target,
    from cells
    inner join targets
        on targets.effective_from <= cells.week_start + interval 6 day
        and (
            targets.segment_kind = 'all'
            or (targets.segment_kind = 'team' and targets.segment_value = cells.team_id)
            or (targets.segment_kind = 'site' and targets.segment_value = cells.site)
            or (targets.segment_kind = 'channel' and targets.segment_value = cells.channel)
        )
    -- The most specific segment wins, then the latest target in force.
    qualify row_number() over (
        partition by cells.week_start, cells.site, cells.team_id, cells.channel, targets.metric
        order by
            case targets.segment_kind
                when 'team' then 1 when 'site' then 2 when 'channel' then 3 else 4
            end,
            targets.effective_from desc
    ) = 1
),

targets_wide as (
    select
        week_start,
        site,
        team_id,
        channel,
        max(target) filter (where metric = 'qa_score') as qa_score_target,
        max(target) filter (where metric = 'critical_fail_rate') as critical_fail_rate_target,
        max(target) filter (where metric = 'csat_satisfied_rate') as csat_satisfied_rate_target,
        max(target) filter (where metric = 'handle_seconds') as handle_seconds_target,
        max(target) filter (where metric = 'abandonment_rate') as abandonment_rate_target,
    from targets_in_force
    group by week_start, site, team_id, channel
),

final as (
    select
        cells.week_start,
        cast(isoyear(cells.week_start) as integer) as iso_year,
        cast(weekofyear(cells.week_start) as integer) as iso_week,
        cells.site,
        cells.team_id,
        cells.team_name,
        cells.channel,
        cells.interactions_count,
        cells.abandoned_count,
        cells.abandoned_count / nullif(cells.interactions_count, 0) as abandonment_rate,
        cells.handled_count,
        cells.handle_seconds_avg,
        cells.evaluations_count,
        cells.qa_score_avg,
        cells.critical_fail_count,
        cells.critical_fail_count / nullif(cells.evaluations_count, 0) as critical_fail_rate,
        cells.csat_responses,
        cells.csat_avg,
        cells.csat_satisfied_count / nullif(cells.csat_responses, 0) as csat_satisfied_rate,
        targets_wide.qa_score_target,
        targets_wide.critical_fail_rate_target,
        targets_wide.csat_satisfied_rate_target,
        targets_wide.handle_seconds_target,
        targets_wide.abandonment_rate_target,
        cells.week_start >= data_range.first_date
            and cells.week_start + interval 6 day <= data_range.last_date as is_complete_week,
    from cells
    cross join data_range
    left join targets_wide
        on cells.week_start = targets_wide.week_start
        and cells.site = targets_wide.site
        and cells.team_id = targets_wide.team_id
        and cells.channel = targets_wide.channel
)

select * from final

-- Inclusion probabilities of the evaluation queue, per contact of the frame
-- (int_sampling_frame). The stratum is the agent within the contacts' week; its quota is
-- the plan's human_evaluations_needed_next_week (mart_evaluation_coverage, the plan made at
-- the end of that week) times the design effect of the unequal weights, capped at the
-- frame's contacts:
--   quota = min(N, ⌈n_plan · deff⌉),   deff = mean(x) · mean(1/x)
-- x being the size measures (Kish's design effect of weighting: a weighted estimate from
-- ⌈n·deff⌉ evaluations is about as precise as an unweighted one from n).
-- Probability proportional to size, capped at 1, the excess of the capped units spread over
-- the others (the usual iteration: cap, recompute the rest, until nothing exceeds 1). Its
-- result in one pass: with the units sorted by x descending, x_(1) ≥ x_(2) ≥ …, the first k
-- units are taken with certainty, k the smallest with (quota − k)·x_(k+1) ≤ Σ_{j>k} x_(j),
-- and the others get
--   π_i = (quota − k) · x_i / Σ_{j>k} x_(j)
-- so Σ π = quota (the iteration caps units of equal size together, and so does this: k never
-- splits a tie).
with frame as (
    select * from {{ ref('int_sampling_frame') }}
),

coverage as (
    select * from {{ ref('mart_evaluation_coverage') }}
),

strata as (
    select
        frame.agent_id,
        frame.week_start,
        count(*) as frame_count,
        avg(frame.size_measure) * avg(1 / frame.size_measure) as design_effect
    from frame
    group by frame.agent_id, frame.week_start
),

quotas as (
    select
        strata.*,
        coverage.human_evaluations_needed_next_week as planned_evaluations,
        -- (least() skips nulls in DuckDB: no plan must mean no quota, not the whole frame)
        cast(
            case
                when coverage.human_evaluations_needed_next_week is null then 0
                else least(
                    strata.frame_count,
                    ceil(
                        round(coverage.human_evaluations_needed_next_week * strata.design_effect, 6)
                    )
                )
            end as bigint
        ) as quota
    from strata
    left join coverage
        on strata.agent_id = coverage.agent_id
        and strata.week_start = coverage.week_start
),

ranked as (
    select
        frame.*,
        quotas.frame_count,
        quotas.planned_evaluations,
        quotas.design_effect,
        quotas.quota,
        row_number() over (
            partition by frame.agent_id, frame.week_start
            order by frame.size_measure desc, frame.interaction_id
        ) - 1 as larger_units,
        sum(frame.size_measure) over (
            partition by frame.agent_id, frame.week_start
            order by frame.size_measure desc, frame.interaction_id
            rows between current row and unbounded following
        ) as size_from_here
    from frame
    inner join quotas
        on frame.agent_id = quotas.agent_id
        and frame.week_start = quotas.week_start
),

certainty_counts as (
    select
        agent_id,
        week_start,
        min(larger_units) as certainty_count
    from ranked
    where (quota - larger_units) * size_measure <= size_from_here
    group by agent_id, week_start
),

remaining_sizes as (
    select
        ranked.agent_id,
        ranked.week_start,
        sum(ranked.size_measure) as remaining_size
    from ranked
    inner join certainty_counts
        on ranked.agent_id = certainty_counts.agent_id
        and ranked.week_start = certainty_counts.week_start
    where ranked.larger_units >= certainty_counts.certainty_count
    group by ranked.agent_id, ranked.week_start
),

probabilities as (
    select
        ranked.*,
        case
            when ranked.larger_units < certainty_counts.certainty_count then 1.0
            else (ranked.quota - certainty_counts.certainty_count) * ranked.size_measure
                / remaining_sizes.remaining_size
        end as proportional_probability
    from ranked
    inner join certainty_counts
        on ranked.agent_id = certainty_counts.agent_id
        and ranked.week_start = certainty_counts.week_start
    inner join remaining_sizes
        on ranked.agent_id = remaining_sizes.agent_id
        and ranked.week_start = remaining_sizes.week_start
),

final as (
    select
        interaction_id,
        agent_id,
        team_id,
        channel,
        interaction_date,
        week_start,
        queue_week_start,
        flag_machine_critical_fail,
        flag_negative_sentiment,
        flag_escalation,
        flag_low_agreement,
        raised_by,
        size_measure,
        frame_count,
        planned_evaluations,
        design_effect,
        quota,
        -- certain: capped, or 1 exactly when the quota takes every remaining unit
        proportional_probability >= 1 - 1e-9 as is_certainty,
        case
            when proportional_probability >= 1 - 1e-9 then 1.0
            else proportional_probability
        end as inclusion_probability
    from probabilities
)

select * from final

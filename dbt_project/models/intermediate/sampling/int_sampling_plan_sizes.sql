-- How many human evaluations of an agent the next week needs for the configured precision,
-- per agent × ISO week W (the plan made at the end of W, from int_sampling_plan_sd): the
-- smallest n ≥ 2 whose Student t interval of a mean at the configured confidence is no wider
-- than ± plan_half_width points at the planning sd s:
--   t(n − 1) · s / √n ≤ h
-- t(n − 1) > z, so that n is at least the normal-based n0 = ⌈(z·s / h)²⌉ and, for the
-- levels of the quantile seed (0.80 … 0.99), at most 5 above it: the search tries
-- n0, n0 + 1, …, n0 + 20. Uncapped here: mart_evaluation_coverage caps it at the contacts
-- the agent handled.
{% set half_width = var('scorecards')['plan_half_width'] %}

with plan_sd as (
    select * from {{ ref('int_sampling_plan_sd') }}
    where plan_sd is not null
),

steps as (
    {{ dbt.generate_series(21) }}
),

normal_start as (
    select
        agent_id,
        week_start,
        plan_sd,
        greatest(
            2,
            cast(ceil(pow({{ normal_quantile() }} * plan_sd / {{ half_width }}, 2)) as bigint)
        ) as normal_size
    from plan_sd
),

candidates as (
    select
        normal_start.agent_id,
        normal_start.week_start,
        normal_start.plan_sd,
        normal_start.normal_size + steps.generated_number - 1 as candidate_size
    from normal_start
    cross join steps
),

half_widths as (
    select
        *,
        {{ t_quantile('candidate_size - 1') }} * plan_sd / sqrt(candidate_size)
        as candidate_half_width
    from candidates
),

final as (
    select
        agent_id,
        week_start,
        cast(
            min(candidate_size) filter (where candidate_half_width <= {{ half_width }})
            as bigint
        ) as evaluations_for_half_width
    from half_widths
    group by agent_id, week_start
)

select * from final
